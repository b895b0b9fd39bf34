package io.latchkey.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(
        name = "users",
        header = "latchkey users - list, show, create and disable users; set a password; list a user's sessions",
        description = {
            "Users log in with a username and password. Disabling a user or setting a password ends every session of"
                    + " the user and revokes the user's tokens on the revocation feed.",
            "",
            "Passwords are never arguments: 'create' and 'set-password' ask on the terminal without echo, or read"
                    + " the first line of standard input when it is not a terminal."
        },
        mixinStandardHelpOptions = true)
final class UsersCommand {
    @ParentCommand
    Latchkey root;

    static Table table() {
        return new Table()
                .column("ID", "id")
                .column("USERNAME", "username")
                .column("NAME", "name")
                .column("EMAIL", "email")
                .column("DISABLED", "disabled")
                .time("CREATED", "created_at");
    }

    @Command(
            name = "list",
            header = "latchkey users list - list users, or find one by username",
            description =
                    "Lists users in id order, a page at a time; --username finds one by exact name, ignoring case.",
            mixinStandardHelpOptions = true)
    void list(
            @Option(names = "--username", paramLabel = "NAME", description = "Only the user with this username.")
                    String username,
            @Mixin Paging paging) {
        String path = "/admin/users" + (username == null ? "" : "?" + AdminApi.query("username", username));
        root.showList(path, paging, "cursor", table());
    }

    @Command(
            name = "get",
            header = "latchkey users get - show one user",
            description = "Shows a user's id, username, profile, whether it is disabled, and when it was created.",
            mixinStandardHelpOptions = true)
    void get(@Parameters(paramLabel = "USER_ID", description = "The user's id (a UUID).") String id) {
        root.showObject(root.api().get("/admin/users/" + AdminApi.segment(id)));
    }

    @Command(
            name = "create",
            header = "latchkey users create - create a user",
            description =
                    "Creates a user; the password (8 to 1024 characters) is asked for, or read from standard input.",
            footer = {"Example:", "  printf '%%s\\n' \"$PASSWORD\" | latchkey users create alice --name 'Alice Example'"
            },
            mixinStandardHelpOptions = true)
    void create(
            @Parameters(paramLabel = "USERNAME", description = "1 to 255 characters, unique regardless of case.")
                    String username,
            @Option(names = "--name", paramLabel = "NAME", description = "The user's full name.") String name,
            @Option(names = "--email", paramLabel = "ADDRESS", description = "The user's email address.") String email,
            @Option(names = "--email-verified", description = "The address is known to be the user's.")
                    boolean emailVerified) {
        ObjectNode body = Json.object().put("username", username);
        body.put("password", root.context.readSecret("password"));
        if (name != null) {
            body.put("name", name);
        }
        if (email != null) {
            body.put("email", email);
        }
        if (emailVerified) {
            body.put("email_verified", true);
        }
        root.showObject(root.api().post("/admin/users", body));
    }

    @Command(
            name = "disable",
            header = "latchkey users disable - disable a user",
            description = "The user can no longer log in; every session ends and the user's tokens are revoked.",
            mixinStandardHelpOptions = true)
    void disable(@Parameters(paramLabel = "USER_ID", description = "The user's id (a UUID).") String id) {
        root.api().post("/admin/users/" + AdminApi.segment(id) + "/disable", null);
        root.done(Json.object().put("id", id).put("disabled", true), "user " + id + " disabled; its sessions ended");
    }

    @Command(
            name = "set-password",
            header = "latchkey users set-password - replace a user's password",
            description =
                    "Asks for the new password (or reads it from standard input); every session of the user ends.",
            mixinStandardHelpOptions = true)
    void setPassword(@Parameters(paramLabel = "USER_ID", description = "The user's id (a UUID).") String id) {
        ObjectNode body = Json.object().put("password", root.context.readSecret("new password"));
        root.api().post("/admin/users/" + AdminApi.segment(id) + "/password", body);
        root.done(
                Json.object().put("id", id).put("password_changed", true),
                "password of user " + id + " changed; its sessions ended");
    }

    @Command(
            name = "sessions",
            header = "latchkey users sessions - list a user's open sessions",
            description = "The same as 'latchkey sessions list USER_ID'.",
            mixinStandardHelpOptions = true)
    void sessions(
            @Parameters(paramLabel = "USER_ID", description = "The user's id (a UUID).") String id,
            @Mixin Paging paging) {
        root.showList("/admin/users/" + AdminApi.segment(id) + "/sessions", paging, "cursor", SessionsCommand.table());
    }
}
