package io.latchkey.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(
        name = "revocations",
        header = "latchkey revocations - follow the revocation feed",
        description = {
            "The revocation feed lists every revoked token (jti), session (sid), subject (sub) and signing key (kid)"
                    + " until no token it matches can still be valid; resource servers follow it."
        },
        mixinStandardHelpOptions = true)
final class RevocationsCommand {
    @ParentCommand
    Latchkey root;

    @Command(
            name = "tail",
            header = "latchkey revocations tail - print revocations as they happen",
            description = {
                "Follows GET /revocations/stream: first every live entry (or those after --from), then each new one"
                        + " as it commits, one line per entry, until interrupted (or --count entries).",
                "",
                "When auth-server ends the stream (a restart), the command exits with status 4: resume with --from"
                        + " and the last seq printed.",
                "",
                "The feed needs HTTP Basic of a client with scope revocations:read: LATCHKEY_FEED_CLIENT_ID and"
                        + " LATCHKEY_FEED_CLIENT_SECRET when set, else the admin client's credentials."
            },
            mixinStandardHelpOptions = true)
    void tail(
            @Option(
                            names = "--from",
                            paramLabel = "SEQ",
                            description = "Start after this seq (default: every live entry).")
                    Long from,
            @Option(names = "--count", paramLabel = "N", description = "Exit after N entries.") Integer count) {
        if (from != null && from < 0 || count != null && count < 1) {
            throw new CliFailure(CliFailure.USAGE, "--from must be 0 or more and --count 1 or more");
        }
        AdminApi.Credentials credentials = root.context.feedCredentials();
        AdminApi api = new AdminApi(root.context.issuer(root.issuer), credentials, root.context.http());
        HttpRequest.Builder request = HttpRequest.newBuilder(api.issuer().resolve("/revocations/stream"))
                .header("Authorization", credentials.basic())
                .header("Accept", "text/event-stream");
        if (from != null) {
            request.header("Last-Event-ID", Long.toString(from));
        }
        HttpResponse<Stream<String>> response = api.open(request.GET().build());
        try (Stream<String> lines = response.body()) {
            if (response.statusCode() == 401 || response.statusCode() == 403) {
                throw new CliFailure(
                        CliFailure.AUTH,
                        "the revocation feed refused " + credentials.clientId() + ": it needs a client with scope"
                                + " revocations:read (" + CliContext.FEED_CLIENT_ID + ", "
                                + CliContext.FEED_CLIENT_SECRET + ")");
            }
            if (response.statusCode() != 200) {
                throw AdminApi.failure(
                        response.statusCode(),
                        Json.parse(String.join("\n", lines.limit(100).toList())));
            }
            int shown = 0;
            SseEvents events = new SseEvents(lines.iterator());
            while (events.hasNext()) {
                SseEvents.Event event = events.next();
                if (!"revoked".equals(event.type())) {
                    continue;
                }
                print(Json.parse(event.data()));
                shown++;
                if (count != null && shown >= count) {
                    return;
                }
            }
        } catch (java.io.UncheckedIOException e) {
            throw api.unreachable(e.getCause());
        }
        throw new CliFailure(CliFailure.SERVER, "the revocation feed ended the stream");
    }

    private void print(JsonNode entry) {
        if (entry == null) {
            throw new CliFailure(CliFailure.SERVER, "the revocation feed sent an entry that is not JSON");
        }
        if (root.json) {
            root.context.out.println(Json.write(entry));
        } else {
            StringBuilder line = new StringBuilder()
                    .append(Json.text(entry, "seq"))
                    .append("  ")
                    .append(Json.text(entry, "type"))
                    .append("  ")
                    .append(Json.text(entry, "value"));
            if (entry.hasNonNull("not_before")) {
                line.append("  not_before=").append(Table.time(entry.get("not_before")));
            }
            line.append("  expires=").append(Table.time(entry.get("expires_at")));
            root.context.out.println(Table.printable(line.toString()));
        }
        root.context.out.flush();
    }
}
