package io.latchkey.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * Gives every command's {@code --help} the sections of a manual page: NAME, SYNOPSIS, DESCRIPTION, ARGUMENTS,
 * OPTIONS, COMMANDS, ENVIRONMENT and EXIT STATUS, the last two the same for every command.
 */
final class ManPage {
    private static final String ENVIRONMENT = "environment";
    private static final Map<String, String> EXIT_CODES = new LinkedHashMap<>();
    private static final String ENVIRONMENT_TEXT = String.join(
            "%n",
            "  LATCHKEY_ISSUER               auth-server's URL, unless --issuer is given (default http://localhost:8080)",
            "  LATCHKEY_ADMIN_CLIENT_ID      the admin client (default admin-cli)",
            "  LATCHKEY_ADMIN_CLIENT_SECRET  its secret; required. Never pass a secret as an argument: ps shows them",
            "  LATCHKEY_FEED_CLIENT_ID,      a client with scope revocations:read, for 'revocations tail'",
            "  LATCHKEY_FEED_CLIENT_SECRET   (default: the admin client)",
            "  LATCHKEY_TLS_CA               a PEM CA bundle to trust instead of the system's",
            "");

    static {
        EXIT_CODES.put("0", "Success.");
        EXIT_CODES.put("1", "Usage: a wrong command line or setting.");
        EXIT_CODES.put("2", "Authentication: missing or wrong credentials, or a token that may not do this.");
        EXIT_CODES.put("3", "Not found: no such user, client, session or key.");
        EXIT_CODES.put("4", "Server: auth-server (or key-service behind it) failed or could not be reached.");
        EXIT_CODES.put("5", "Invalid input: the server refused the request's content (the message names the field).");
    }

    private ManPage() {}

    static void apply(CommandLine cli) {
        UsageMessageSpec usage = cli.getCommandSpec().usageMessage();
        usage.headerHeading("NAME%n  ")
                .synopsisHeading("%nSYNOPSIS%n  ")
                .descriptionHeading("%nDESCRIPTION%n")
                .parameterListHeading("%nARGUMENTS%n")
                .optionListHeading("%nOPTIONS%n")
                .commandListHeading("%nCOMMANDS%n")
                .exitCodeListHeading("%nEXIT STATUS%n")
                .exitCodeList(EXIT_CODES)
                .footerHeading("%n")
                .width(100);
        if (usage.header().length == 0) {
            usage.header(cli.getCommandSpec().qualifiedName());
        }
        List<String> keys = new ArrayList<>(cli.getHelpSectionKeys());
        if (!keys.contains(ENVIRONMENT)) {
            keys.add(keys.indexOf(UsageMessageSpec.SECTION_KEY_EXIT_CODE_LIST_HEADING), ENVIRONMENT);
            cli.setHelpSectionKeys(keys);
        }
        cli.getHelpSectionMap().put(ENVIRONMENT, help -> String.format("%nENVIRONMENT%n" + ENVIRONMENT_TEXT));
        cli.getSubcommands().values().forEach(ManPage::apply);
    }
}
