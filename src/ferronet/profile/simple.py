"""A single tumour's profile as relative gene levels (gene<TAB>level, 1 = the default cell)."""

from __future__ import annotations

from pathlib import Path

from ferronet.errors import FerronetError, Problem, ValidationError


def read_level_profile(path: str | Path) -> dict[str, float]:
    """Read ``gene<TAB>level`` lines (a header line is allowed); all problems are reported together."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise FerronetError(f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise FerronetError(
            f"{path.name}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x}); save it as UTF-8"
        ) from None
    out: dict[str, float] = {}
    problems = []
    for i, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.replace(",", "\t").split("\t")
        if len(parts) < 2:
            problems.append(Problem(path.name, i, "", "expected gene<TAB>level"))
            continue
        gene, value = parts[0].strip(), parts[1].strip()
        try:
            level = float(value)
        except ValueError:
            if i == 1:
                continue  # header
            problems.append(Problem(path.name, i, gene, f"level '{value}' is not a number"))
            continue
        if level < 0 or level != level:
            problems.append(Problem(path.name, i, gene, "level must be a number >= 0"))
        elif gene in out:
            problems.append(Problem(path.name, i, gene, "gene listed twice"))
        else:
            out[gene] = level
    if problems:
        raise ValidationError(problems)
    return out
