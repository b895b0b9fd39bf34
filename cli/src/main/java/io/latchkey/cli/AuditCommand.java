package io.latchkey.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(
        name = "audit",
        header = "latchkey audit - read the audit trail",
        description = {
            "Audit rows, oldest first: logins and failed logins, refresh-token reuse, revocations, logouts and every"
                    + " admin action with the client that made it. Page with --after (the id of the last row seen)."
        },
        mixinStandardHelpOptions = true)
final class AuditCommand implements Runnable {
    @ParentCommand
    Latchkey root;

    @Option(
            names = "--after",
            paramLabel = "ID",
            description = "Only rows after this audit row id (default: from the start).")
    Long after;

    @Option(names = "--limit", paramLabel = "N", description = "Rows per page, 1 to 200 (the server's default: 50).")
    Integer limit;

    @Option(names = "--all", description = "Follow every page to the newest row.")
    boolean all;

    @Override
    public void run() {
        Paging paging = new Paging();
        paging.limit = limit;
        paging.cursor = after == null ? null : Long.toString(after);
        paging.all = all;
        root.showList(
                "/admin/audit",
                paging,
                "after",
                new Table()
                        .column("ID", "id")
                        .time("TIME", "occurred_at")
                        .column("EVENT", "event")
                        .column("CLIENT", "client_id")
                        .column("USER", "user_id")
                        .column("SESSION", "session_id")
                        .column("IP", "ip")
                        .column("DETAIL", "detail"));
    }
}
