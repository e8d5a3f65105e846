"""How numbers are written in the tables ("–" where there is no value)."""

from .config import ERROR_KINDS


def fmt_rps(value):
    return "–" if value is None else f"{value:,.0f}"


def fmt_us(value):
    """Latency or CPU time given in µs, in the unit that reads best: 44433.4 -> "44 ms"."""
    if value is None:
        return "–"
    if value >= 10000:
        return f"{value / 1000:,.0f} ms"
    if value >= 1000:
        return f"{value / 1000:.1f} ms"
    return f"{value:.1f} µs" if value < 100 else f"{value:.0f} µs"


def fmt_us_number(value):
    """A µs figure as a bare number with one decimal (the cross-check's columns say "µs")."""
    return "–" if value is None else f"{value:.1f}"


def fmt_cpu(value):
    """CPU µs per request."""
    return "–" if value is None else f"{value:.1f}" if value < 100 else f"{value:,.0f}"


def fmt_count(value):
    return "–" if value is None else f"{value:,.0f}"


def fmt_size(size):
    """Bytes as the tables write them: 151 B, 4 KiB, 1 MiB, 1.5 KiB."""
    if size is None:
        return "–"
    for unit, scale in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= scale:
            value = size / scale
            return f"{value:.0f} {unit}" if abs(value - round(value)) < 0.05 else f"{value:.1f} {unit}"
    return f"{size:.0f} B"


def fmt_duration(seconds):
    return f"{int(seconds // 60)} min {int(seconds % 60)} s"


def fmt_errors(summary):
    """The errors per run by kind, the kinds that happened: "reset 2, timeout 3", "0" for none,
    "–" when no run counted any (a client that was killed, a server that did not start)."""
    if all(summary.get(f"errors_{kind}") is None for kind in ERROR_KINDS):
        return "–"
    kinds = [f"{kind} {summary[f'errors_{kind}']:,.0f}" for kind in ERROR_KINDS
             if summary.get(f"errors_{kind}")]
    return ", ".join(kinds) or "0"


def fmt_rps_cell(s):
    """req/s median [min–max] of a summary row, with its marks: † time cap, failed runs."""
    if s["rps_median"] is None:
        return "**" + "; ".join(s["failures"]) + "**"
    cell = fmt_rps(s["rps_median"])
    if s["runs"] > 1:
        cell += f" [{fmt_rps(s['rps_min'])}–{fmt_rps(s['rps_max'])}]"
    if s["capped_runs"]:
        cell += " †"
    if s["ok_runs"] < s["runs"]:
        cell += f" ({s['runs'] - s['ok_runs']} of {s['runs']} runs: {'; '.join(s['failures'])})"
    return cell


def fmt_csv(value):
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, list):
        return "; ".join(value)
    return "" if value is None else value


def md_table(header, rows):
    """A markdown table: a header row, the separator, one line per row of cells."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cells) + " |" for cells in rows]
    return "\n".join(lines)
