package io.latchkey.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(
        name = "keys",
        header = "latchkey keys - list signing keys, rotate now, revoke a key in an emergency",
        description = {
            "Signing keys live in key-service; auth-server relays these operations to it. A key is published (in the"
                    + " JWKS, not yet signing), active (signing), retired (still in the JWKS for tokens it signed)"
                    + " or revoked."
        },
        mixinStandardHelpOptions = true)
final class KeysCommand {
    @ParentCommand
    Latchkey root;

    static Table table() {
        return new Table()
                .column("KID", "kid")
                .column("ALG", "alg")
                .column("STATE", "state")
                .time("PUBLISHED", "published_at")
                .time("ACTIVATES", "activates_at")
                .time("RETIRES", "retires_at");
    }

    @Command(
            name = "list",
            header = "latchkey keys list - list signing keys with their state and times",
            mixinStandardHelpOptions = true)
    void list(@Mixin Paging paging) {
        root.showList("/admin/keys", paging, "cursor", table());
    }

    @Command(
            name = "rotate",
            header = "latchkey keys rotate - bring the next rotation forward",
            description =
                    "Publishes a new key now; it signs once the publish-ahead time has passed, and the current key"
                            + " signs until then, so nothing is refused meanwhile.",
            mixinStandardHelpOptions = true)
    void rotate(
            @Option(names = "--alg", paramLabel = "ALG", description = "RS256 or ES256 (default: key-service's).")
                    String alg) {
        ObjectNode body = alg == null ? null : Json.object().put("alg", alg);
        root.showObject(root.api().post("/admin/keys/rotate", body));
    }

    @Command(
            name = "revoke",
            header = "latchkey keys revoke - revoke a key now (emergency)",
            description = "The key leaves the JWKS at once and its kid goes on the revocation feed, so every token it"
                    + " signed is refused; if it was signing, another key takes over at once.",
            mixinStandardHelpOptions = true)
    void revoke(@Parameters(paramLabel = "KID", description = "The key's kid.") String kid) {
        root.showObject(root.api().post("/admin/keys/" + AdminApi.segment(kid) + "/revoke", null));
    }
}
