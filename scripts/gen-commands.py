#!/usr/bin/env python3
"""gen-commands.py — each command's roles, query flag, summary and errors, read once from the custom
options (proto/welfare/bus/v1/options.proto) on the request messages of a service's commands.proto.

protobuf-c's run-time descriptors do not carry custom options, so this reads them at build time from
`protoc --descriptor_set_out`, decoding the FileDescriptorSet with a small wire-format reader.

  gen-commands.py header SERVICE OUT.h   constants SERVICE_<COMMAND>_{ROLES,QUERY,SUMMARY,ERRORS} for WH_COMMAND
  gen-commands.py cli OUT.c SERVICE...   welfarectl's table of commands (type, summary, who, query, errors)
  gen-commands.py kpis OUT.h             REPORTING_KPI_LIST, from the options on KpiValues' fields
  gen-commands.py docs [--check] FILE...  rewrites the tables between the markers
        <!-- generated: commands SERVICE --> ... <!-- end generated -->   (a service's commands)
        <!-- generated: agency-grants --> ... <!-- end generated -->      (bus-protocol's per-service list)
        <!-- generated: kpis --> ... <!-- end generated -->               (reporting's KPI table)
      (--check: changes nothing, exits 1 naming each file whose table differs)
"""
import os
import re
import subprocess
import sys
import tempfile

# An agency needs, besides the role, the type among its key's grants (common/include/wh/access.h).
ROLES = {1: ("service", "WH_ROLE_SERVICE"), 2: ("operator", "WH_ROLE_OPERATOR"), 3: ("agency (granted)", "WH_ROLE_AGENCY")}
OPT_ROLES, OPT_QUERY, OPT_SUMMARY, OPT_ERRORS = 51001, 51002, 51003, 51004
# The statuses a command declares when it can return them (welfare.bus.v1.Status names without the
# prefix, common/include/wh/status.h's names without WH_); every other one is common to all commands.
DECLARABLE = ["NOT_FOUND", "ALREADY_EXISTS", "FAILED_PRECONDITION"]


def varint(buf, i):
    shift = value = 0
    while True:
        b = buf[i]
        i += 1
        value |= (b & 0x7F) << shift
        if not b & 0x80:
            return value, i
        shift += 7


def fields(buf):
    """(number, wire type, value) of each field of one message; value is an int or bytes."""
    i = 0
    while i < len(buf):
        key, i = varint(buf, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = varint(buf, i)
        elif wire == 2:
            size, i = varint(buf, i)
            value, i = buf[i:i + size], i + size
        elif wire == 1:
            value, i = buf[i:i + 8], i + 8
        elif wire == 5:
            value, i = buf[i:i + 4], i + 4
        else:
            raise ValueError("unsupported wire type %d" % wire)
        yield number, wire, value


def command_options(raw):
    roles, query, summary, errors = [], False, "", []
    for number, wire, value in fields(raw):
        if number == OPT_ROLES and wire == 0:
            roles.append(value)
        elif number == OPT_ROLES and wire == 2:  # packed
            j = 0
            while j < len(value):
                role, j = varint(value, j)
                roles.append(role)
        elif number == OPT_QUERY:
            query = bool(value)
        elif number == OPT_SUMMARY:
            summary = value.decode()
        elif number == OPT_ERRORS:
            errors.append(value.decode())
    return roles, query, summary, errors


def service_protos(service):
    """The service's proto files, commands.proto first: a service may declare commands in several
    (intake's roster.proto, safety_net.proto, survey.proto); events.proto declares none."""
    folder = os.path.join("proto", "welfare", service, "v1")
    names = sorted(n for n in os.listdir(folder) if n.endswith(".proto") and n != "events.proto")
    names.sort(key=lambda n: n != "commands.proto")
    return ["welfare/%s/v1/%s" % (service, n) for n in names]


def commands_of(service):
    """[(message name, roles, query, summary, errors)] in declaration order, for messages with roles."""
    protos = service_protos(service)
    proto = " ".join(protos)
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "set.pb")
        subprocess.run(["protoc", "--proto_path=proto", "--descriptor_set_out=" + out] + protos, check=True)
        data = open(out, "rb").read()
    found = []
    for number, _, file_raw in fields(data):
        if number != 1:
            continue
        for fnum, _, msg_raw in fields(file_raw):
            if fnum != 4:
                continue
            name, options = "", None
            for mnum, _, value in fields(msg_raw):
                if mnum == 1:
                    name = value.decode()
                elif mnum == 7:
                    options = value
            if options is None:
                continue
            roles, query, summary, errors = command_options(options)
            if not roles:
                continue
            if not summary or any(r not in ROLES for r in roles):
                sys.exit("%s: %s needs a summary and known roles" % (proto, name))
            unknown = [e for e in errors if e not in DECLARABLE]
            if unknown:
                sys.exit("%s: %s declares %s; errors are among %s (the others any command may return)"
                         % (proto, name, ", ".join(unknown), ", ".join(DECLARABLE)))
            found.append((name, sorted(set(roles)), query, summary, sorted(set(errors), key=DECLARABLE.index)))
    if not found:
        sys.exit("%s: no message declares (welfare.bus.v1.roles)" % proto)
    return found


def snake(name):
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).upper()


def c_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def header(service, out_path):
    guard = "WH_GEN_%s_COMMANDS_H" % service.upper()
    lines = ["/* Generated by scripts/gen-commands.py from proto/welfare/%s/v1/commands.proto: do not edit. */" % service,
             "#ifndef " + guard, "#define " + guard, "", "#include <stdbool.h>", "", '#include "wh/access.h"', '#include "wh/status.h"', ""]
    for name, roles, query, summary, errors in commands_of(service):
        key = "%s_%s" % (service.upper(), snake(name))
        lines.append("#define %s_ROLES   (%s)" % (key, " | ".join(ROLES[r][1] for r in roles)))
        lines.append("#define %s_QUERY   %s" % (key, "true" if query else "false"))
        lines.append("#define %s_SUMMARY %s" % (key, c_string(summary)))
        lines.append("#define %s_ERRORS  (%s)" % (key, " | ".join("WH_STATUS_BIT(WH_%s)" % e for e in errors) or "0u"))
    lines += ["", "#endif", ""]
    write_if_changed(out_path, "\n".join(lines))


OPT_KPI = 51101
KPI_FIELDS = {1: "name", 2: "label_ko", 3: "label_en", 4: "unit", 5: "column", 6: "order", 7: "aggregation",
              8: "fact", 9: "part_of", 10: "how"}


def kpis():
    """[{key, name, label_ko, …}] of KpiValues' fields, by their declared order: the KPI list."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "set.pb")
        subprocess.run(["protoc", "--proto_path=proto", "--descriptor_set_out=" + out,
                        "welfare/reporting/v1/commands.proto"], check=True)
        data = open(out, "rb").read()
    found = []
    for _, _, file_raw in (f for f in fields(data) if f[0] == 1):
        for _, _, msg_raw in (f for f in fields(file_raw) if f[0] == 4):
            msg = list(fields(msg_raw))
            if not any(n == 1 and v == b"KpiValues" for n, _, v in msg):
                continue
            for _, _, field_raw in (f for f in msg if f[0] == 2):
                kpi = {"key": "", "order": 0}
                for n, _, v in fields(field_raw):
                    if n == 1:
                        kpi["key"] = v.decode()
                    elif n == 8:
                        for on, _, ov in fields(v):
                            if on == OPT_KPI:
                                for kn, _, kv in fields(ov):
                                    if kn in KPI_FIELDS:
                                        kpi[KPI_FIELDS[kn]] = kv if kn == 6 else kv.decode()
                if "name" not in kpi:
                    sys.exit("KpiValues.%s declares no (welfare.reporting.v1.kpi)" % kpi["key"])
                found.append(kpi)
    if not found:
        sys.exit("welfare.reporting.v1.KpiValues not found")
    found.sort(key=lambda k: k["order"])
    if [k["order"] for k in found] != list(range(1, len(found) + 1)):
        sys.exit("KpiValues: the orders must be 1..%d" % len(found))
    return found


def kpi_header(out_path):
    """REPORTING_KPI_LIST(X): X(NAME, key, column, label_ko, label_en, unit, AGGREGATION, FACT, PART_OF)."""
    lines = ["/* Generated by scripts/gen-commands.py from the options on welfare.reporting.v1.KpiValues: do not edit. */",
             "#ifndef WH_GEN_REPORTING_KPIS_H", "#define WH_GEN_REPORTING_KPIS_H", "",
             "/* X(NAME, key, column, label_ko, label_en, unit, AGGREGATION, FACT, PART_OF), in the table's order. */",
             "#define REPORTING_KPI_LIST(X) \\"]
    rows = ["    X(%s, %s, %s, %s, %s, %s, %s, %s, %s)" % (k["name"], k["key"], c_string(k["column"]), c_string(k["label_ko"]),
                                                        c_string(k["label_en"]), c_string(k["unit"]), k["aggregation"],
                                                        k["fact"], k["part_of"]) for k in kpis()]
    lines.append(" \\\n".join(rows))
    lines += ["", "#endif", ""]
    write_if_changed(out_path, "\n".join(lines))


def kpi_table():
    """The reporting README's KPI table."""
    rows = ["| key | 지표 | index | how it aggregates over dongs D and days [from, to] |", "|---|---|---|---|"]
    for k in kpis():
        rows.append("| `%s` | %s | %s | %s |" % (k["key"], k["label_ko"], k["label_en"], k["how"]))
    return "\n".join(rows)


def package_of(service):
    return "welfare.%s.v1" % service


def cli(out_path, services):
    """welfarectl's command table: every service's commands with their summary and who may send them."""
    lines = ["/* Generated by scripts/gen-commands.py from the options on each service's requests: do not edit. */",
             '#include "wctl.h"', "", "const wctl_command_doc wctl_command_docs[] = {"]
    for service in services:
        for name, roles, query, summary, errors in commands_of(service):
            who = ", ".join(ROLES[r][0] for r in roles)
            lines.append("    {%s, %s, %s, %s, %s}," % (c_string("%s.%s" % (package_of(service), name)), c_string(summary),
                                                       c_string(who), "true" if query else "false",
                                                       c_string(", ".join(errors))))
    lines += ["};", "const size_t wctl_n_command_docs = sizeof wctl_command_docs / sizeof wctl_command_docs[0];", ""]
    write_if_changed(out_path, "\n".join(lines))


def write_if_changed(path, text):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    if not os.path.exists(path) or open(path).read() != text:
        with open(path, "w") as f:
            f.write(text)


def table(service):
    """The README table; the common errors are docs/bus-protocol.md's (section 5)."""
    head = ["command", "who may send it", "kind", "what it does", "errors besides the common ones"]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, roles, query, summary, errors in commands_of(service):
        cells = ["`%s`" % name, ", ".join(ROLES[r][0] for r in roles), "query" if query else "command", summary,
                 ", ".join("`%s`" % e for e in errors) or "—"]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


# The services in the order the documents list them; streams an agency may be granted ("stream:<name>").
SERVICES = ["intake", "case", "registry", "routing", "reporting"]
STREAMS = {"intake": "intake", "case": "case", "registry": "registry", "routing": "routing"}


def agency_grants():
    """docs/bus-protocol.md's table of the types an agency may be granted, per service."""
    rows = ["| service | types an agency may be granted | its stream |", "|---|---|---|"]
    for service in SERVICES:
        granted = ["`%s`" % name for name, roles, *_ in commands_of(service) if 3 in roles]
        stream = "`stream:%s`" % STREAMS[service] if service in STREAMS else "— (no events)"
        rows.append("| %s | %s | %s |" % (service, ", ".join(granted) or "none (staff and services only)", stream))
    return "\n".join(rows)


def generated(kind, arg):
    if kind == "commands" and arg:
        return table(arg)
    if kind == "agency-grants" and not arg:
        return agency_grants()
    if kind == "kpis" and not arg:
        return kpi_table()
    sys.exit("unknown generated block: %s %s" % (kind, arg or ""))


MARKER = re.compile(r"(<!-- generated: ([\w-]+)(?: (\w+))? -->\n)(.*?)(<!-- end generated -->)", re.S)


def docs(paths, check):
    stale = []
    for path in paths:
        text = open(path).read()
        new = MARKER.sub(lambda m: m.group(1) + generated(m.group(2), m.group(3)) + "\n" + m.group(5), text)
        if new != text:
            stale.append(path)
            if not check:
                open(path, "w").write(new)
    if check and stale:
        for path in stale:
            print("%s: its generated command table differs from the protos; run `make docs`" % path)
        return 1
    return 0


def main(argv):
    if len(argv) == 4 and argv[1] == "header":
        header(argv[2], argv[3])
        return 0
    if len(argv) == 3 and argv[1] == "kpis":
        kpi_header(argv[2])
        return 0
    if len(argv) >= 4 and argv[1] == "cli":
        cli(argv[2], argv[3:])
        return 0
    if len(argv) >= 2 and argv[1] == "docs":
        check = "--check" in argv[2:]
        return docs([a for a in argv[2:] if a != "--check"], check)
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
