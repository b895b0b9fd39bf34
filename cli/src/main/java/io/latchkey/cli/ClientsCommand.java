package io.latchkey.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(
        name = "clients",
        header = "latchkey clients - list, show, register and update clients; disable one; rotate its secret",
        description = {
            "A client is an app that gets tokens. Registrations and updates are JSON documents in the admin API's"
                    + " names (client_id, grant_types, scopes, audience, redirect_uris, ...; docs/endpoints.md),"
                    + " read from a file or, with '-', from standard input, so a secret never appears as an"
                    + " argument.",
            "",
            "Disabling a client or rotating its secret ends its sessions and revokes its tokens."
        },
        mixinStandardHelpOptions = true)
final class ClientsCommand {
    @ParentCommand
    Latchkey root;

    static Table table() {
        return new Table()
                .column("CLIENT_ID", "client_id")
                .column("AUTH", "token_endpoint_auth_method")
                .column("GRANTS", "grant_types")
                .column("SCOPES", "scopes")
                .column("AUDIENCE", "audience")
                .column("DISABLED", "disabled");
    }

    @Command(
            name = "list",
            header = "latchkey clients list - list clients",
            description = "Clients in client_id order, a page at a time; never a secret.",
            mixinStandardHelpOptions = true)
    void list(@Mixin Paging paging) {
        root.showList("/admin/clients", paging, "cursor", table());
    }

    @Command(
            name = "get",
            header = "latchkey clients get - show one client's registration",
            description = "Every registration field of the client, and whether it is disabled; never its secret.",
            mixinStandardHelpOptions = true)
    void get(@Parameters(paramLabel = "CLIENT_ID", description = "The client's id.") String id) {
        root.showObject(root.api().get("/admin/clients/" + AdminApi.segment(id)));
    }

    @Command(
            name = "create",
            header = "latchkey clients create - register a client",
            description = "Registers the client the JSON document describes; a generated client_secret is shown once.",
            footer = {
                "Example:",
                "  echo '{\"client_id\":\"billing\",\"grant_types\":[\"client_credentials\"],"
                        + "\"scopes\":[\"notes:read\"],\"audience\":\"resource-demo\"}' | latchkey clients create --file -"
            },
            mixinStandardHelpOptions = true)
    void create(
            @Option(
                            names = "--file",
                            required = true,
                            paramLabel = "FILE",
                            description = "The registration, or - for standard input.")
                    String file) {
        root.showObject(root.api().post("/admin/clients", document(file)));
    }

    @Command(
            name = "update",
            header = "latchkey clients update - replace a client's registration metadata",
            description = "Replaces grant_types, scopes, audience and the browser fields, validated as a registration;"
                    + " not the secret (see rotate-secret), and not whether the client is public.",
            mixinStandardHelpOptions = true)
    void update(
            @Parameters(paramLabel = "CLIENT_ID", description = "The client's id.") String id,
            @Option(
                            names = "--file",
                            required = true,
                            paramLabel = "FILE",
                            description = "The metadata, or - for standard input.")
                    String file) {
        root.showObject(root.api().put("/admin/clients/" + AdminApi.segment(id), document(file)));
    }

    @Command(
            name = "disable",
            header = "latchkey clients disable - disable a client",
            description = "The client gets no more tokens; its sessions end and its tokens are revoked.",
            mixinStandardHelpOptions = true)
    void disable(@Parameters(paramLabel = "CLIENT_ID", description = "The client's id.") String id) {
        root.api().post("/admin/clients/" + AdminApi.segment(id) + "/disable", null);
        root.done(Json.object().put("client_id", id).put("disabled", true), "client " + id + " disabled");
    }

    @Command(
            name = "rotate-secret",
            header = "latchkey clients rotate-secret - give a confidential client a new secret",
            description = "Generates a new secret, shown once; the old one stops working, the client's sessions end.",
            mixinStandardHelpOptions = true)
    void rotateSecret(@Parameters(paramLabel = "CLIENT_ID", description = "The client's id.") String id) {
        root.showObject(root.api().post("/admin/clients/" + AdminApi.segment(id) + "/secret", null));
    }

    private JsonNode document(String file) {
        String text;
        if (file.equals("-")) {
            text = root.context.readAll();
        } else {
            try {
                text = Files.readString(Path.of(file), StandardCharsets.UTF_8);
            } catch (IOException | RuntimeException e) {
                throw new CliFailure(
                        CliFailure.USAGE,
                        "cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
            }
        }
        JsonNode json = Json.parse(text);
        if (json == null || !json.isObject()) {
            throw new CliFailure(CliFailure.INVALID_INPUT, "the document is not a JSON object");
        }
        return json;
    }
}
