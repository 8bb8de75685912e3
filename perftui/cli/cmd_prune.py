"""perftui prune: apply the retention policy (raw 30 days, daily aggregates 365, cold starts 7)."""

from __future__ import annotations

from perftui.cli.common import add_format, command_parser, open_store_for, print_json


def add_parser(sub) -> None:
    p = command_parser(
        sub, "prune", help="apply the retention policy now (also automatic, once a day)",
        description="Retention, as in the original design: raw snapshots are kept 30 days, then "
                    "folded into daily aggregates (count, mean, median, min, max, p95 per day, "
                    "scope and metric) kept 365 days; cold starts are kept 7 days; alerts are "
                    "kept forever. The policy also runs automatically, at most once a day, when "
                    "a command writes to the store (`--auto off` switches that off, e.g. for a "
                    "store of imported history).",
        examples=["perftui prune --dry-run", "perftui prune", "perftui prune --auto off",
                  "perftui prune --dry-run --format json"])
    p.add_argument("--dry-run", action="store_true", help="show what would be done; change nothing")
    p.add_argument("--auto", choices=("on", "off"),
                   help="only switch the automatic daily retention on or off for this store "
                        "(prunes nothing)")
    add_format(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from perftui.cli.progress import progress_bar
    from perftui.core import retention

    with open_store_for(args, write=not args.dry_run or args.auto is not None) as store:
        conn = store
        if args.auto is not None:
            # only the setting: `--auto off` is how people keep imported history raw, so it
            # must never delete anything itself
            retention.set_auto(conn, args.auto == "on")
            enabled = retention.auto_enabled(conn)
            if args.format == "json":
                print_json({"auto": enabled})
            else:
                print(f"automatic daily retention is now {'on' if enabled else 'off'} for "
                      f"{store.path}; nothing was pruned (run `perftui prune` to apply it now)")
            return 0
        if args.dry_run:
            result = retention.prune(conn, dry_run=True)
        else:
            with progress_bar("pruning") as update:
                result = retention.prune(conn, progress=update)
        result["auto"] = retention.auto_enabled(conn)
    if args.format == "json":
        print_json(result)
        return 0
    render(result)
    return 0


def render(r: dict) -> None:
    verb = "would" if r["dry_run"] else "did"
    print(f"policy: raw runs {r['policy']['raw_days']} days, daily aggregates "
          f"{r['policy']['aggregate_days']} days, cold starts {r['policy']['cold_start_days']} "
          f"days, alerts forever; automatic daily retention {'on' if r['auto'] else 'off'}")
    if r["dry_run"]:
        print(f"would fold {r['raw_snapshots']:,} runs older than {r['raw_cutoff'][:10]} into "
              f"{r['daily_groups']:,} daily aggregates, delete {r['cold_start_snapshots']:,} "
              f"cold starts older than {r['cold_start_cutoff'][:10]} and "
              f"{r['expired_aggregates']:,} daily aggregates before {r['aggregate_cutoff_day']}")
        return
    d = r["deleted"]
    print(f"{verb} fold {r['raw_snapshots']:,} old runs into {r['aggregated']:,} daily "
          f"aggregates; deleted {d['snapshots']:,} snapshots ({d['measurements']:,} values) and "
          f"{d['aggregates']:,} expired aggregates")
