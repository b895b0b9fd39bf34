package io.latchkey.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(
        name = "sessions",
        header = "latchkey sessions - list a user's sessions, end one",
        description = {
            "A session is one login (sid) and every token issued from it, to one or more clients. Ending one is a"
                    + " logout: its sid goes on the revocation feed, so resource servers refuse its tokens within a"
                    + " second, and apps that registered a back-channel logout URI are told."
        },
        mixinStandardHelpOptions = true)
final class SessionsCommand {
    @ParentCommand
    Latchkey root;

    static Table table() {
        return new Table()
                .column("SID", "sid")
                .column("CLIENTS", "client_ids")
                .time("CREATED", "created_at")
                .time("LAST USED", "last_used_at")
                .time("EXPIRES", "expires_at");
    }

    @Command(
            name = "list",
            header = "latchkey sessions list - list a user's open sessions",
            description =
                    "Open sessions of the user, oldest first; last used is when its newest refresh token was issued.",
            mixinStandardHelpOptions = true)
    void list(
            @Parameters(paramLabel = "USER_ID", description = "The user's id (a UUID).") String userId,
            @Mixin Paging paging) {
        root.showList("/admin/users/" + AdminApi.segment(userId) + "/sessions", paging, "cursor", table());
    }

    @Command(
            name = "end",
            header = "latchkey sessions end - end a session now",
            description = "Ends the session as a logout would; exit status 3 when no open session has this sid.",
            mixinStandardHelpOptions = true)
    void end(@Parameters(paramLabel = "SID", description = "The session's id (a UUID).") String sid) {
        root.api().post("/admin/sessions/" + AdminApi.segment(sid) + "/end", null);
        root.done(Json.object().put("sid", sid).put("ended", true), "session " + sid + " ended");
    }
}
