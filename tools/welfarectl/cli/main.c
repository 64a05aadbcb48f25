/*
 * main.c — welfarectl: every command and query of every service from the shell.
 *
 *   welfarectl <service> <command> [--field value …] [--json]     one row of the command table
 *   welfarectl kpi | import | events | dead-letters | keys …       the special commands
 *
 * --json (anywhere) prints replies as JSON.  Exit codes: 0 done, 1 the service said no or could not
 * be reached, 2 bad usage.
 */
#include <stdlib.h>
#include <string.h>

#include "wctl.h"
#include "wh/log.h"

static void usage(FILE *out)
{
    const wctl_cmd *cmds;
    size_t n = wctl_commands(&cmds);

    fputs(
        "usage: welfarectl <service> <command> [--field value …] [--json]\n"
        "       welfarectl <service> <command> --help      the command's fields\n"
        "       welfarectl kpi --dong CODE[,CODE…] --from DATE --to DATE\n"
        "       welfarectl kpi-table --compare before-after|treated|both [--dong …] --from DATE --to DATE\n"
        "       welfarectl import referrals FILE.csv [--jobs N]\n"
        "       welfarectl import roster FILE.csv [--map COLUMN=PATH]...\n"
        "       welfarectl batch <service> <command> FILE.jsonl [--jobs N] [--json]\n"
        "       welfarectl events STREAM [--from SEQ] [--follow]\n"
        "       welfarectl dead-letters list SERVICE [--stream S] [--all] | replay SERVICE STREAM SEQUENCE\n"
        "       welfarectl keys generate DIR [--agency NAME …] | add-agency DIR NAME [--grant T …] "
        "[--reporter ID …] |\n"
        "                       revoke DIR NAME\n\n"
        "Environment: WH_ALLOWLIST_FILE, WH_SECRET_KEY_FILE, WH_<SERVICE>_BUS, WH_TIMEOUT_MS, WH_RETRIES.\n",
        out);
    for (size_t s = 0; s < 5; s++) {
        fprintf(out, "\n%s:\n", wctl_services[s]);
        for (size_t i = 0; i < n; i++)
            if (strcmp(cmds[i].service, wctl_services[s]) == 0)
                fprintf(out, "  %-22s %s\n", cmds[i].name, cmds[i].summary);
    }
}

/* Removes --json from argv wherever it is. */
static int take_json_flag(int argc, char **argv)
{
    int j = 0;

    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            wctl_json_output = true;
        else
            argv[j++] = argv[i];
    }
    argv[j] = NULL;
    return j;
}

static int run_service(const char *service, int argc, char **argv)
{
    const wctl_cmd *cmd;

    if (argc < 1 || strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "help") == 0) {
        const wctl_cmd *cmds;
        size_t n = wctl_commands(&cmds);

        printf("usage: welfarectl %s <command> [--field value …] [--json]\n\ncommands:\n", service);
        for (size_t i = 0; i < n; i++)
            if (strcmp(cmds[i].service, service) == 0)
                printf("  %-22s %s\n", cmds[i].name, cmds[i].summary);
        return argc < 1 ? 2 : 0;
    }
    cmd = wctl_command_find(service, argv[0]);
    if (cmd == NULL) {
        fprintf(stderr, "error: %s has no command \"%s\" (see: welfarectl %s --help)\n", service, argv[0],
                service);
        return 2;
    }
    return wctl_run_command(cmd, argc - 1, argv + 1);
}

int main(int argc, char **argv)
{
    const char *word;

    /* libwh's log lines (connection failures) go to stderr; keep them to warnings and worse */
    if (getenv("WH_LOG_LEVEL") == NULL)
        setenv("WH_LOG_LEVEL", "warn", 0);
    wh_log_init("welfarectl");
    argc = take_json_flag(argc, argv);
    if (wctl_version_flag(argc, argv))
        return 0; /* --version on any command */
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    word = argv[1];
    if (strcmp(word, "keys") == 0)
        return wctl_cmd_keys(argc - 2, argv + 2);
    if (strcmp(word, "kpi") == 0)
        return wctl_cmd_kpi(argc - 2, argv + 2);
    if (strcmp(word, "kpi-table") == 0)
        return wctl_cmd_kpi_table(argc - 2, argv + 2);
    if (strcmp(word, "import") == 0)
        return wctl_cmd_import(argc - 2, argv + 2);
    if (strcmp(word, "batch") == 0)
        return wctl_cmd_batch(argc - 2, argv + 2);
    if (strcmp(word, "events") == 0)
        return wctl_cmd_events(argc - 2, argv + 2);
    if (strcmp(word, "dead-letters") == 0)
        return wctl_cmd_dead_letters(argc - 2, argv + 2);
    if (wctl_service_known(word))
        return run_service(word, argc - 2, argv + 2);
    fprintf(stderr, "error: unknown command \"%s\" (see: welfarectl --help)\n", word);
    return 2;
}
