"""Optional JAX engine (``--engine jax``): the default engine's primitives in jax/diffrax, for machines with a GPU.

The right-hand side is generated as ``jax.numpy`` source from the same whitelisted expression trees of the packaged
model that :mod:`ferronet.sim.codegen` renders (the state-dependent rules and the reaction rates; never user text),
and it reads the same per-lane parameter vector as the default kernel: parameter-only rules and compound effects
are evaluated once per batch with NumPy by :meth:`Simulator.context`, exactly as for the default engine.

- ``integrate_lanes``: Dormand-Prince 5(4) (``diffrax.Dopri5``) with a PI step-size controller at the stated
  ``rtol``/``atol`` (coefficients of Hairer & Wanner's DOPRI5, as the default kernel), ``vmap`` over lanes. A lane
  whose step falls below 1e-10 h (non-finite right-hand side) or that runs out of steps fails on its own.
- ``steady_lanes``: the default kernel's damped Newton (same residual test, step halving to 1/1024, positivity),
  with the exact forward-mode Jacobian instead of a finite difference; stability from the eigenvalues of that
  Jacobian (NumPy, on the host, as GPU eigensolvers are not always available).

Functions are traced and compiled once per model structure (the generated source) and batch shape; lanes are
padded to a power of two (at least 256; chunks of ``JaxSimulator.lanes_per_call``, 1,024 by default) and output
times to a multiple of 32, so a run compiles a handful of shapes. Compiled code goes to jax's persistent cache in
``$FERRONET_HOME/kernels/jax`` (unless ``jax_compilation_cache_dir`` is set): a new process reuses the Newton
function from it (the integrator, whose error checks are host callbacks, is compiled again). Float64 throughout
(``jax_enable_x64``). jax and diffrax are an optional extra: ``pip install 'ferronet[jax]'`` (``uv sync --extra
jax`` in a checkout); this module imports them only when the engine is created. On a CPU the default engine is
much faster (``docs/engine.md``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import numpy as np

from ferronet.errors import FerronetError
from ferronet.model.expressions import _render
from ferronet.model.network import Model
from ferronet.sim.base import Simulator, Tolerances, register
from ferronet.sim.codegen import rate_laws

INSTALL_HINT = "pip install 'ferronet[jax]' (in a checkout: uv sync --extra jax)"
MIN_LANES = 256  # smallest padded batch (fewer shapes to compile; padding lanes repeat lane 0)
MAX_LANES = 1024  # lanes per compiled call by default (JaxSimulator.lanes_per_call); larger batches are chunked
MIN_TIMES = 32  # output times are padded (by repeating the last) to a multiple of this
DT_MIN = 1e-10  # h; below it a lane fails with a step size underflow, as in the default kernel
NEWTON_MAXIT = 60
#: PI controller of Hairer & Wanner's DOPRI5 (beta = 0.04, alpha = 0.17), as the default kernel
PCOEFF, ICOEFF, FACTORMAX = 0.2, 0.65, 5.0


class MissingExtraError(FerronetError, ImportError):
    """An engine needs an optional dependency that is not installed."""


def _import_jax() -> tuple[Any, Any]:
    """jax (with float64 enabled) and diffrax, or a clear error naming the extra to install."""
    try:
        import diffrax
        import jax
    except ImportError as exc:
        missing = exc.name or "jax"
        raise MissingExtraError(
            f"the 'jax' engine needs the optional extra 'jax' (jax and diffrax; {missing} is not installed): "
            f"{INSTALL_HINT}"
        ) from None
    jax.config.update("jax_enable_x64", True)
    if not getattr(jax.config, "jax_compilation_cache_dir", None):  # compiled code persists (unless set)
        from ferronet.sim.kernel import _cache_dir

        jax.config.update("jax_compilation_cache_dir", str(_cache_dir() / "jax"))
    return jax, diffrax


def generate_jax_source(model: Model, dynamic: Sequence[Any], used: Sequence[str]) -> str:
    """``rhs(y, p)`` in jax.numpy: y (n_species,), p the lane parameters ``used`` in order; returns dy."""
    species = model.species_ids
    lines = ["def rhs(y, p):"]
    lines += [f"    {s} = y[{i}]" for i, s in enumerate(species)]
    lines += [f"    {name} = p[{j}]" for j, name in enumerate(used)]
    lines += [f"    {r.id} = {_render(r.expr.tree, python=True)}" for r in dynamic]
    lines += [f"    v_{rx.id} = {_render(rx.rate.tree, python=True)}" for rx in model.reactions]
    rows = []
    for s in species:
        terms = [f"- {f!r} * v_{rx.id}" for rx in model.reactions for t, f in rx.reactants.items() if t == s]
        terms += [f"+ {f!r} * v_{rx.id}" for rx in model.reactions for t, f in rx.products.items() if t == s]
        rows.append(f"0.0 * y[0] {' '.join(terms)}")  # 0.0 * y[0]: an array even for a species without terms
    lines.append("    return jnp.stack([")
    lines += [f"        {r}," for r in rows]
    lines.append("    ])")
    return "\n".join(lines) + "\n"


class _Functions:
    """Compiled (jit + vmap) integration and Newton functions of one model structure."""

    def __init__(self, source: str, name: str, solved_idx: np.ndarray, max_steps: int) -> None:
        jax, diffrax = _import_jax()
        import jax.numpy as jnp
        from jax import lax

        namespace: dict[str, Any] = {"jnp": jnp, **rate_laws(jnp)}
        exec(compile(source, f"<ferronet jax model {name}>", "exec"), namespace)  # generated from the model file
        rhs: Callable[[Any, Any], Any] = namespace["rhs"]
        self.rhs = jax.jit(jax.vmap(rhs))
        idx = jnp.asarray(solved_idx)
        ok, too_many = diffrax.RESULTS.successful, diffrax.RESULTS.max_steps_reached

        def integrate_lane(y0: Any, p: Any, ts: Any, rtol: Any, atol: Any, h0: Any) -> tuple[Any, Any]:
            controller = diffrax.PIDController(
                rtol=rtol, atol=atol, pcoeff=PCOEFF, icoeff=ICOEFF, factormax=FACTORMAX, dtmin=DT_MIN,
                force_dtmin=False,
            )  # fmt: skip
            sol = diffrax.diffeqsolve(
                diffrax.ODETerm(lambda t, y, args: rhs(y, args)),
                diffrax.Dopri5(),
                t0=0.0,
                t1=ts[-1],
                dt0=h0,
                y0=y0,
                args=p,
                saveat=diffrax.SaveAt(ts=ts),
                stepsize_controller=controller,
                max_steps=max_steps,
                throw=False,
                adjoint=diffrax.ForwardMode(),
            )
            # status codes of the default kernel: 2 too many steps, 1 step size underflow (or any other failure)
            status = jnp.where(sol.result == ok, 0, jnp.where(sol.result == too_many, 2, 1))
            return sol.ys, status

        self.integrate = jax.jit(jax.vmap(integrate_lane, in_axes=(0, 0, None, None, None, None)))

        def residual(x: Any, y: Any, p: Any) -> Any:  # right-hand side of the solved species, the others held
            return rhs(y.at[idx].set(x), p)[idx]

        def residual2(x: Any, y: Any, p: Any) -> tuple[Any, Any]:
            r = residual(x, y, p)
            return r, r

        jacobian = jax.jacfwd(residual2, has_aux=True)  # (J, f) from one trace of the right-hand side
        lams = 0.5 ** jnp.arange(10)  # step halving 1 ... 1/512 (the default kernel stops above 1/1024)
        ns = len(solved_idx)

        def steady_lane(y0: Any, p: Any, ftol: Any) -> tuple[Any, Any, Any]:
            State = tuple[Any, Any, Any, Any, Any]

            def cond(s: State) -> Any:
                return (~s[3]) & (s[0] < NEWTON_MAXIT)

            def body(s: State) -> State:
                it, y, _, _, _ = s
                x = y[idx]
                J, f = jacobian(x, y, p)
                converged = jnp.max(jnp.abs(f) / (1e-3 + jnp.abs(x))) < ftol
                dx = jnp.linalg.solve(J, -f)
                finite = jnp.all(jnp.isfinite(J)) & jnp.all(jnp.isfinite(dx))
                cand = x[None, :] + lams[:, None] * dx[None, :]
                ft = jax.vmap(lambda c: residual(c, y, p))(cand)
                n1 = jnp.sum(ft * ft, axis=1)
                accept = jnp.all(cand >= 0.0, axis=1) & jnp.isfinite(n1) & (n1 < jnp.sum(f * f))
                moved = finite & jnp.any(accept) & ~converged
                y = jnp.where(moved, y.at[idx].set(cand[jnp.argmax(accept)]), y)
                # J is the Jacobian at the returned state when the lane converged (it did not move)
                return it + 1, y, jnp.where(converged, 0, 4), ~moved, J

            start = (0, y0, 4, False, jnp.zeros((ns, ns), dtype=y0.dtype))
            _, y, status, _, J = lax.while_loop(cond, body, start)
            return y, status, J

        self.steady = jax.jit(jax.vmap(steady_lane, in_axes=(0, 0, None)))


_FUNCTIONS: dict[tuple[str, int], _Functions] = {}


def _bucket(n: int, least: int) -> int:
    size = least
    while size < n:
        size *= 2
    return size


@register
class JaxSimulator(Simulator):
    """jax/diffrax Dormand-Prince and Newton, vmapped over lanes (optional extra ``jax``)."""

    name = "jax"
    description = "JAX/diffrax Dopri5 + PID controller, vmapped lanes, Newton steady states (optional extra 'jax')"
    #: lanes per compiled call (a power of two); raise it on a GPU with memory to spare (each size compiles once)
    lanes_per_call: ClassVar[int] = MAX_LANES

    def __init__(self, model: Model, tolerances: Tolerances | None = None) -> None:
        _import_jax()  # fail before any work when the extra is missing
        super().__init__(model, tolerances)
        c = self.compiled
        self.param_names = list(c.lane_parameters)
        source = generate_jax_source(model, c.dynamic_rules, self.param_names)
        digest = hashlib.sha256(source.encode()).hexdigest()[:16]
        key = (digest, int(self.tol.max_steps))
        idx = np.array([model.species_ids.index(s) for s in self.solved], dtype=np.int64)
        if key not in _FUNCTIONS:
            _FUNCTIONS[key] = _Functions(source, f"{model.version} {digest}", idx, int(self.tol.max_steps))
        self.fn = _FUNCTIONS[key]
        self.source = source

    def _matrix(self, values: Sequence[dict[str, float]]) -> np.ndarray:
        ctx = self.context(values)
        n = len(values)
        P = np.empty((n, len(self.param_names)))
        for j, name in enumerate(self.param_names):
            P[:, j] = ctx[name]
        return P

    def _chunks(self, n: int) -> list[tuple[int, int, int]]:
        """(start, stop, padded size) of each compiled call over n lanes."""
        step = max(int(self.lanes_per_call), 1)
        out = []
        for start in range(0, n, step):
            stop = min(start + step, n)
            out.append((start, stop, _bucket(stop - start, min(MIN_LANES, _bucket(step, 1)))))
        return out

    @staticmethod
    def _pad(a: np.ndarray, size: int) -> np.ndarray:
        return np.concatenate([a, np.repeat(a[:1], size - len(a), axis=0)]) if size > len(a) else a

    def rhs_lanes(self, y: np.ndarray, values: Sequence[dict[str, float]]) -> np.ndarray:
        """Right-hand side (n_species, n_lanes) of the JAX engine (for checks against the default engine)."""
        return np.asarray(self.fn.rhs(np.ascontiguousarray(y.T, float), self._matrix(values))).T

    def integrate_lanes(
        self, y0: np.ndarray, values: Sequence[dict[str, float]], t_out: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        t_out = np.asarray(t_out, float)
        n, nt = y0.shape[1], len(t_out)
        out = np.empty((nt, y0.shape[0], n))
        status = np.zeros(n, dtype=int)
        if n == 0:
            return out, status
        if t_out[-1] <= 0.0:  # nothing to integrate
            out[:] = y0[None]
            return out, status
        ts = np.concatenate([t_out, np.repeat(t_out[-1:], -nt % MIN_TIMES)])  # repeated times are allowed
        Y0, P = np.ascontiguousarray(y0.T, float), self._matrix(values)
        for start, stop, size in self._chunks(n):
            ys, st = self.fn.integrate(self._pad(Y0[start:stop], size), self._pad(P[start:stop], size), ts,
                                       self.tol.rtol, self.tol.atol, self.tol.h0)  # fmt: skip
            ys = np.array(ys)[: stop - start, :nt]  # (lanes, times, species)
            st = np.asarray(st)[: stop - start].astype(int)
            bad = ~np.isfinite(ys)
            st = np.where((st == 0) & bad.any(axis=(1, 2)), 1, st)
            ys[bad] = np.nan
            out[:, :, start:stop] = ys.transpose(1, 2, 0)
            status[start:stop] = st
        return out, status

    def steady_lanes(self, y0: np.ndarray, values: Sequence[dict[str, float]]) -> tuple[np.ndarray, np.ndarray]:
        n = y0.shape[1]
        y = np.array(y0, dtype=float)
        status = np.zeros(n, dtype=int)
        if n == 0:
            return y, status
        Y0, P = np.ascontiguousarray(y0.T, float), self._matrix(values)
        for start, stop, size in self._chunks(n):
            ys, st, J = self.fn.steady(self._pad(Y0[start:stop], size), self._pad(P[start:stop], size),
                                       self.tol.steady_ftol)  # fmt: skip
            m = stop - start
            ys, st, J = np.array(ys)[:m], np.array(st)[:m].astype(int), np.asarray(J)[:m]
            conv = np.flatnonzero(st == 0)
            if conv.size:
                jac = J[conv]
                finite = np.isfinite(jac).all(axis=(1, 2))
                worst = np.full(conv.size, np.inf)
                if finite.any():
                    worst[finite] = np.linalg.eigvals(jac[finite]).real.max(axis=1)
                st[conv[worst > 1e-9]] = 3
            y[:, start:stop] = ys.T
            status[start:stop] = st
        for s in self.accumulators:  # held at their starting values, as in the default engine
            i = self.model.species_ids.index(s)
            y[i] = y0[i]
        return y, status
