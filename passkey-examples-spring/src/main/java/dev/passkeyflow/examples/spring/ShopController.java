package dev.passkeyflow.examples.spring;

import java.security.Principal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** The shop's pages. */
@Controller
class ShopController {

    @GetMapping("/login")
    String login() {
        return "login";
    }

    @GetMapping("/")
    String home(Principal user, Model model) {
        model.addAttribute("name", user.getName());
        return "home";
    }
}
