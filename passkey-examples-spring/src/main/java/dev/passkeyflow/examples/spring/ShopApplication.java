package dev.passkeyflow.examples.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A small shop's back office: an ordinary Spring Boot application with form login and users in a
 * JDBC table (H2 here). The passkey part is one line in {@link SecurityConfig}, three properties and
 * four lines of the login template; see the module's README.
 *
 * <pre>
 *   mvn -pl passkey-examples-spring -am compile exec:java   # http://localhost:8080
 * </pre>
 */
@SpringBootApplication
public class ShopApplication {

    public static void main(String[] args) {
        SpringApplication.run(ShopApplication.class, args);
    }
}
