"""perftui push: copy this store's history into a team store (PostgreSQL, or another file)."""

from __future__ import annotations

from perftui.cli.common import add_format, command_parser, open_store_for, print_json


def add_parser(sub) -> None:
    p = command_parser(
        sub, "push", help="copy this store's runs, alerts and target changes into a team store",
        description="Copy the store named by --db (your local one by default) into a team store: "
                    "snapshots, alerts, accepted baselines, target changes and daily aggregates. "
                    "Every snapshot carries a stable identity, so pushing twice adds nothing, "
                    "and a push that was interrupted is finished by running it again. The team "
                    "store's own target lines are kept (unless it was empty: then this is a "
                    "restore). The URL's password is never printed.",
        examples=["perftui push --to postgresql://perf@db.internal/perftui",
                  "PERFTUI_TEAM=postgresql://… perftui push --to \"$PERFTUI_TEAM\" --format json",
                  "perftui --db ci-runner.db push --to team.db"])
    p.add_argument("--to", required=True, metavar="URL",
                   help="the team store: postgresql://user[:password]@host[:port]/dbname, or a "
                        "store file")
    add_format(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from perftui.cli.progress import progress_bar
    from perftui.core.push import push
    from perftui.core.session import open_session

    with open_store_for(args) as source, open_session(args.to, write=True,
                                                      create=True) as target:
        with progress_bar("pushing") as update:
            result = push(source, target, progress=update)
    if args.format == "json":
        print_json(result)
        return 0
    print(f"pushed {result['pushed']:,} of {result['snapshots_in_source']:,} snapshots from "
          f"{result['from']} to {result['to']} ({result['already_there']:,} were there already); "
          f"{result['alerts']} alerts, {result['baseline_resets']} accepted baselines, "
          f"{result['target_changes']} target changes, {result['daily_aggregates']} daily "
          "aggregates added")
    return 0
