package io.latchkey.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code latchkey}, the admin command line: every admin operation of auth-server's admin API, a table for people or
 * {@code --json} for scripts, exit codes that say what failed, one-line errors on standard error. Credentials come
 * only from the environment.
 */
@Command(
        name = "latchkey",
        header = "latchkey - administer a Latchkey authorization server",
        description = {
            "Runs the admin operations of auth-server's admin API: users, clients, sessions, signing keys, the audit"
                    + " trail, and the revocation feed. It talks to auth-server only (key operations are relayed to"
                    + " key-service by auth-server), with a client_credentials token of the admin client.",
            "",
            "Output is a table for people; --json prints the API's JSON, one document per line, for scripts."
        },
        mixinStandardHelpOptions = true,
        versionProvider = Latchkey.Version.class,
        subcommands = {
            UsersCommand.class,
            ClientsCommand.class,
            SessionsCommand.class,
            KeysCommand.class,
            AuditCommand.class,
            RevocationsCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Latchkey implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--json",
            scope = ScopeType.INHERIT,
            description = "Print the server's JSON (one document per line) instead of a table.")
    boolean json;

    @Option(
            names = "--issuer",
            paramLabel = "URL",
            scope = ScopeType.INHERIT,
            description = "auth-server's URL (its issuer); default: LATCHKEY_ISSUER, else http://localhost:8080.")
    String issuer;

    final CliContext context;
    private AdminApi api;

    Latchkey(CliContext context) {
        this.context = context;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.in, System.out, System.err, true));
    }

    /** Runs one command line; returns the exit code. */
    public static int run(String[] args, Map<String, String> env, InputStream in, PrintStream out, PrintStream err) {
        return run(args, env, in, out, err, false);
    }

    private static int run(
            String[] args,
            Map<String, String> env,
            InputStream in,
            PrintStream out,
            PrintStream err,
            boolean interactive) {
        CommandLine cli = commandLine(new CliContext(env, in, out, err, interactive));
        cli.setOut(new java.io.PrintWriter(out, true));
        cli.setErr(new java.io.PrintWriter(err, true));
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    static CommandLine commandLine(CliContext context) {
        CommandLine cli = new CommandLine(new Latchkey(context));
        ManPage.apply(cli);
        cli.setParameterExceptionHandler((e, args) -> {
            CommandLine failed = e.getCommandLine();
            e.getCommandLine()
                    .getErr()
                    .println("latchkey: " + CliFailure.oneLine(e.getMessage()) + " (see "
                            + failed.getCommandSpec().qualifiedName() + " --help)");
            return CliFailure.USAGE;
        });
        cli.setExecutionExceptionHandler((e, failed, parsed) -> {
            if (e instanceof CliFailure failure) {
                failed.getErr().println("latchkey: " + failure.getMessage());
                return failure.exitCode();
            }
            failed.getErr()
                    .println("latchkey: unexpected failure (" + e.getClass().getSimpleName() + ")");
            return CliFailure.SERVER;
        });
        return cli;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    AdminApi api() {
        if (api == null) {
            api = context.api(issuer);
        }
        return api;
    }

    /** One object: its JSON, or {@code field: value} lines. */
    void showObject(JsonNode object) {
        if (json) {
            context.out.println(Json.write(object));
        } else {
            Table.printObject(object, context.out);
        }
    }

    /** A confirmation of a change without a body: a JSON object for scripts, a sentence for people. */
    void done(ObjectNode result, String sentence) {
        if (json) {
            context.out.println(Json.write(result));
        } else {
            context.out.println(sentence);
        }
    }

    /**
     * A list: one page from {@code path} (plus {@code cursor} and {@code limit}), or with {@code all} every page,
     * shown as {@code {"items","next"}} or as a table followed by how to get the next page.
     */
    void showList(String path, Paging paging, String cursorParameter, Table table) {
        List<JsonNode> items = new ArrayList<>();
        String cursor = paging.cursor;
        JsonNode next;
        do {
            StringBuilder query = new StringBuilder(path);
            char separator = path.contains("?") ? '&' : '?';
            if (paging.limit != null) {
                query.append(separator).append(AdminApi.query("limit", Integer.toString(paging.limit)));
                separator = '&';
            }
            if (cursor != null) {
                query.append(separator).append(AdminApi.query(cursorParameter, cursor));
            }
            JsonNode page = api().get(query.toString());
            page.path("items").forEach(items::add);
            next = page.path("next");
            cursor = next.isTextual() ? next.asText() : null;
        } while (paging.all && cursor != null);
        if (json) {
            ObjectNode out = Json.object();
            ArrayNode array = out.putArray("items");
            items.forEach(array::add);
            if (cursor == null) {
                out.putNull("next");
            } else {
                out.put("next", cursor);
            }
            context.out.println(Json.write(out));
            return;
        }
        table.print(items, context.out);
        if (cursor != null) {
            context.out.println("(more: add --" + cursorParameter + " " + cursor + ", or --all)");
        }
    }

    /** The version in the jar's manifest, when run from the jar. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Latchkey.class.getPackage().getImplementationVersion();
            return new String[] {"latchkey " + (version == null ? "(development build)" : version)};
        }
    }
}
