"""``ferronet fit``: calibrate the global parameters on measured data (the science is in ferronet.calibrate)."""

from __future__ import annotations

import click

from ferronet.cli.output import echo_table, scheduler_checked

#: the defaults of ferronet.calibrate.workflow (FIT_LINES, CV_LINES), not imported so that start-up stays light;
#: tests/calibrate/test_fit_cli.py checks they agree
FIT_LINES = 200
CV_LINES = 100


def _names(text: str) -> list[str]:
    return [x.strip() for x in text.split(",") if x.strip()]


@click.command("fit")
@click.option("--out", default="fits", show_default=True, type=click.Path(file_okay=False), help="Output folder.")
@click.option("--ctrp", default="ML210,ML162", show_default=True, help="CTRPv2 compounds to fit (erastin is refused).")
@click.option("--breast", default="RSL3,FIN56", show_default=True, help="Breast-panel compounds to fit ('' = none).")
@click.option("--gsh/--no-gsh", default=True, show_default=True, help="Fit the erastin -> GSH points.")
@click.option(
    "--literature/--no-literature",
    default=True,
    show_default=True,
    help="Keep the qualitative literature cases as a soft constraint.",
)
@click.option("--lines", type=click.IntRange(2), default=None, help="Use a seeded subset of this many lines.")
@click.option(
    "--fit-lines",
    type=click.IntRange(2),
    default=FIT_LINES,
    show_default=True,
    help="CTRPv2 lines the fit sees (cost).",
)
@click.option(
    "--cv-lines", type=click.IntRange(2), default=CV_LINES, show_default=True, help="Lines each fold's fit sees."
)
@click.option("--cv-evals", type=click.IntRange(2), default=60, show_default=True, help="Evaluations per fold's fit.")
@click.option("--estimate", default=None, help="Comma-separated parameters to estimate (default: the documented set).")
@click.option("--method", type=click.Choice(["lm", "cma"]), default="lm", show_default=True)
@click.option(
    "--starts", type=click.IntRange(1), default=1, show_default=True, help="Multi-start: extra starts from the prior."
)
@click.option(
    "--max-evals", type=click.IntRange(2), default=120, show_default=True, help="Model evaluations of the fit."
)
@click.option(
    "--folds", type=click.IntRange(0), default=5, show_default=True, help="Cross-validation folds by line (0/1 = none)."
)
@click.option(
    "--ensemble", "n_ensemble", type=click.IntRange(0), default=20, show_default=True, help="Laplace draws kept."
)
@click.option(
    "--leave-source-out", is_flag=True, help="Also fit once without each data source and predict that source."
)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--small", is_flag=True, help="The CI-sized problem (12 lines, ML210 + ML162, 4 parameters, 2 folds).")
@click.option("--scheduler", callback=scheduler_checked, help="Dask scheduler address (default: this process).")
def fit_cmd(
    out,
    ctrp,
    breast,
    gsh,
    literature,
    lines,
    fit_lines,
    cv_lines,
    cv_evals,
    estimate,
    method,
    starts,
    max_evals,
    folds,
    n_ensemble,
    leave_source_out,
    seed,
    small,
    scheduler,
) -> None:
    """Fit the global parameters (MAP with priors) to CTRPv2 / breast-panel curves, GSH points and lethal facts;
    cross-validate by cell line; write a versioned parameter set with an ensemble and an HTML report."""
    from ferronet.calibrate.fit import DEFAULT_ESTIMATED
    from ferronet.calibrate.workflow import SMALL, run_fit, summary_table
    from ferronet.model import load_model

    if small:
        lines, ctrp, breast, literature = SMALL.lines, ",".join(SMALL.ctrp), ",".join(SMALL.breast), SMALL.literature
        max_evals, folds, estimate = SMALL.max_evals, SMALL.folds, estimate or ",".join(SMALL.names)
        cv_evals = SMALL.max_evals
    run = run_fit(
        load_model(),
        out,
        _names(ctrp),
        _names(breast),
        gsh,
        literature,
        lines,
        _names(estimate) if estimate else DEFAULT_ESTIMATED,
        method,
        starts,
        max_evals,
        seed,
        folds,
        fit_lines,
        n_ensemble,
        cv_lines,
        cv_evals,
        scheduler,
        say=lambda s: click.echo(s, err=True),
        leave_source_out=leave_source_out,
    )
    table = summary_table(run)
    echo_table(table.to_numpy().tolist(), list(table.columns))
    for title, cv in (("out-of-fold (cross-validation by line)", run.cv), ("held-out data source", run.by_source)):
        if cv is not None:
            rho, rmse = cv.spearman(), cv.median_rmse()
            click.echo(f"\n{title}:")
            echo_table(
                [[s, d, f"{rho[(s, d)]:+.3f}", f"{rmse[(s, d)]:.3f}"] for s, d in rho.index],
                ["source", "compound", "Spearman vs AUC", "median RMSE"],
            )
    for what, path in run.files.items():
        click.echo(f"{what}: {path}")
