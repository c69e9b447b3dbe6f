package dev.passkeyflow.examples;

import dev.passkeyflow.examples.Sessions.WebSession;
import org.jspecify.annotations.Nullable;

/** HTML text for the demo's pages: escaping and the hidden fields every form carries. */
final class Html {

    private Html() {}

    /** The session's CSRF token and the field the page script fills with the client context. */
    static String hidden(WebSession session) {
        return "<input type=\"hidden\" name=\"_csrf\" value=\"" + esc(session.csrfToken) + "\">"
                + "<input type=\"hidden\" name=\"client\" value=\"\">";
    }

    /** The tab's flow key, so that the form continues this tab's flow. */
    static String flowField(String key) {
        return "<input type=\"hidden\" name=\"f\" value=\"" + esc(key) + "\">";
    }

    static String errorBox(@Nullable String error) {
        return error == null ? "" : "<p id=\"form-error\" class=\"error\" role=\"alert\">" + esc(error) + "</p>";
    }

    /** {@code value} as HTML text or attribute value; {@code null} as the empty string. */
    static String esc(@Nullable String value) {
        if (value == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(value.length() + 16);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
