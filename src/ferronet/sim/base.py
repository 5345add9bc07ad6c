"""One simulation interface for every engine (after PySB's ``simulator/base.py``).

A :class:`Simulator` is bound to the model object the caller holds (parameters and ``with model:`` perturbations
included). Engines implement two primitives on *lanes* (one lane = one subpopulation of one condition, given by
its parameter overrides): :meth:`Simulator.steady_lanes` and :meth:`Simulator.integrate_lanes`. The protocol
(pre-culture to equilibrium, exposure, washout), the equilibrium cache, statuses and the :class:`Result` are
shared here, so every engine simulates exactly the same experiment.
"""

from __future__ import annotations

import hashlib
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, ClassVar

import numpy as np

from ferronet.model.network import Model
from ferronet.sim.codegen import CompiledModel, compile_model
from ferronet.sim.conditions import Condition
from ferronet.sim.kernel import STATUS
from ferronet.sim.population import model_capacities
from ferronet.sim.protocol import DEFAULT_PROTOCOL, Protocol
from ferronet.sim.result import Result

Lane = tuple[tuple[str, float], ...]  # sorted parameter overrides of one lane
#: the untreated reference state is relaxed this long from the declared initial values before Newton
REFERENCE_RELAXATION_H = 500.0
CACHE_LIMIT = 20_000  # genotypes (each with its subpopulations)


@dataclass(frozen=True)
class Tolerances:
    """Solver settings (recorded in every result)."""

    rtol: float = 1e-4
    atol: float = 1e-6
    h0: float = 0.01
    max_steps: int = 200_000
    steady_ftol: float = 1e-9


class LaneSet(Sequence[dict[str, float]]):
    """Lanes of conditions that differ only in their subpopulation's capacity ``cap``.

    Lane ``i * k + j`` is ``{**groups[i], "cap": caps[j]}`` (``k = len(caps)``). It behaves as the list of those
    dicts (engines may iterate it), but the default engine builds its parameter table per group and repeats it,
    so the Python work per batch scales with the conditions, not with conditions x subpopulations.
    """

    def __init__(self, groups: list[dict[str, float]], caps: np.ndarray) -> None:
        self.groups = groups
        self.caps = np.asarray(caps, dtype=float)

    def __len__(self) -> int:
        return len(self.groups) * len(self.caps)

    def __getitem__(self, i: int) -> dict[str, float]:  # type: ignore[override]
        k = len(self.caps)
        if not -len(self) <= i < len(self):
            raise IndexError(i)
        i %= len(self)
        return {**self.groups[i // k], "cap": float(self.caps[i % k])}

    def __iter__(self) -> Iterator[dict[str, float]]:
        caps = [float(c) for c in self.caps]
        for g in self.groups:
            for c in caps:
                yield {**g, "cap": c}


_STRUCTURE: dict[str, CompiledModel] = {}


def compiled_for(model: Model) -> CompiledModel:
    """Vectorised NumPy functions of the model structure (cached per model version)."""
    if model.version not in _STRUCTURE:
        _STRUCTURE[model.version] = compile_model(model)
    return _STRUCTURE[model.version]


class Simulator(ABC):
    """Simulate conditions of ``model`` under a :class:`Protocol`; results are :class:`Result` objects."""

    name: ClassVar[str] = "abstract"
    description: ClassVar[str] = ""

    def __init__(self, model: Model, tolerances: Tolerances | None = None) -> None:
        self.model = model
        self.tol = tolerances or Tolerances()
        self.compiled = compiled_for(model)
        self.defaults = model.default_values()
        self.caps = model_capacities(self.defaults)
        self.accumulators = self._accumulators()
        self.solved = [s for s in model.species_ids if s not in self.accumulators]
        #: (sorted lane overrides without ``cap``, pre-culture hours, caps) -> (states, statuses) of those caps
        self._equilibria: dict[tuple[Lane, float, tuple[float, ...]], tuple[np.ndarray, np.ndarray]] = {}
        self._y_default: np.ndarray | None = None
        self._basal: dict[str, float] | None = None
        self._last_context: tuple[Sequence[dict[str, float]], dict[str, Any]] | None = None

    # ---- primitives each engine implements ---------------------------------------------------------
    @abstractmethod
    def integrate_lanes(
        self, y0: np.ndarray, values: Sequence[dict[str, float]], t_out: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """States (len(t_out), n_species, n_lanes) from y0 (n_species, n_lanes) at t = 0, and a status per lane."""

    @abstractmethod
    def steady_lanes(self, y0: np.ndarray, values: Sequence[dict[str, float]]) -> tuple[np.ndarray, np.ndarray]:
        """Steady states of the non-accumulating species from y0, and a status per lane (0, 3 or 4)."""

    # ---- shared machinery ------------------------------------------------------------------------
    def _accumulators(self) -> list[str]:
        """Species that only accumulate (no reaction consumes them): membrane damage ``D``."""
        consumed = {s for rx in self.model.reactions for s in rx.reactants}
        return [s for s in self.model.species_ids if s not in consumed]

    def context(self, values: Sequence[dict[str, float]]) -> dict[str, Any]:
        """Parameter dict for lanes: every default, arrays where the lanes differ, parameter-only rules evaluated.

        The last lane list's context is kept, so integrating and then reading out the same lanes builds it once.
        """
        if self._last_context is not None and self._last_context[0] is values:
            return self._last_context[1]
        ctx = self._context(values)
        self._last_context = (values, ctx)
        return ctx

    def _context(self, values: Sequence[dict[str, float]]) -> dict[str, Any]:
        n = len(values)
        c: dict[str, Any] = dict(self.defaults)
        grouped = isinstance(values, LaneSet)
        rows = values.groups if isinstance(values, LaneSet) else values
        keys = sorted({k for v in rows for k in v})
        if grouped or keys:
            col = {k: j for j, k in enumerate(keys)}
            table = np.array([self.defaults[k] for k in keys], dtype=float)[None, :].repeat(len(rows), axis=0)
            for i, v in enumerate(rows):
                row = table[i]
                for k, x in v.items():
                    row[col[k]] = x
            if isinstance(values, LaneSet):  # every group once per subpopulation, then its capacities
                table = np.repeat(table, len(values.caps), axis=0)
                c["cap"] = np.tile(values.caps, len(values.groups))
            for k, j in col.items():
                if grouped and k == "cap":
                    continue
                arr = table[:, j]
                c[k] = float(arr[0]) if np.all(arr == arr[0]) else arr.copy()
            if grouped and n and np.all(c["cap"] == c["cap"][0]):
                c["cap"] = float(c["cap"][0])
        c = self.compiled.const(c)
        return {
            k: (np.broadcast_to(v, (n,)).copy() if isinstance(v, np.ndarray) and v.shape != (n,) else v)
            for k, v in c.items()
        }

    @property
    def y_default(self) -> np.ndarray:
        """Steady state of the untreated default cell (median capacity)."""
        if self._y_default is None:
            y0 = np.array([[s.initial] for s in self.model.species])
            out, _ = self.integrate_lanes(y0, [{}], np.array([REFERENCE_RELAXATION_H]))
            y, status = self.steady_lanes(out[-1], [{}])
            self._y_default = (y if status[0] == 0 else out[-1])[:, 0]
        return self._y_default

    def equilibrate(self, lanes: Sequence[dict[str, float]], pre_hours: float) -> tuple[np.ndarray, np.ndarray]:
        """Pre-culture state of each lane (unique lanes solved once and cached) and its status code.

        The cache is keyed by the lane's overrides other than ``cap``, the pre-culture length and the capacities;
        a :class:`LaneSet` is cached per genotype (all its subpopulations in one entry).
        """
        if isinstance(lanes, LaneSet):
            caps = tuple(float(c) for c in lanes.caps)
            keys = [(tuple(sorted(g.items())), pre_hours, caps) for g in lanes.groups]
            todo = list(dict.fromkeys(k for k in keys if k not in self._equilibria))
            values: Sequence[dict[str, float]] = LaneSet([dict(k[0]) for k in todo], lanes.caps)
        else:
            default_cap = float(self.defaults["cap"])
            keys = [(tuple(sorted((k, x) for k, x in v.items() if k != "cap")), pre_hours,
                     (float(v.get("cap", default_cap)),)) for v in lanes]  # fmt: skip
            todo = list(dict.fromkeys(k for k in keys if k not in self._equilibria))
            values = [{**dict(k[0]), "cap": k[2][0]} for k in todo]
        if todo:
            y, status = self._solve_equilibria(values, pre_hours)
            if len(self._equilibria) > CACHE_LIMIT:
                self._equilibria.clear()
            w = len(todo[0][2])
            for i, k in enumerate(todo):
                self._equilibria[k] = (y[:, i * w : (i + 1) * w], status[i * w : (i + 1) * w])
        if not keys:
            return np.empty((len(self.model.species_ids), 0)), np.zeros(0, dtype=int)
        found = [self._equilibria[k] for k in keys]
        return np.concatenate([f[0] for f in found], axis=1), np.concatenate([f[1] for f in found])

    def _solve_equilibria(self, values: Sequence[dict[str, float]], pre_hours: float) -> tuple[np.ndarray, np.ndarray]:
        """Newton from the untreated default state; lanes where it fails are grown for the pre-culture first."""
        base = self.y_default
        y0 = np.repeat(base[:, None], len(values), axis=1)
        y, status = self.steady_lanes(y0, values)
        retry = np.flatnonzero(status != 0)
        if retry.size:  # grow the cells for the pre-culture, then try again from there
            sub = [values[int(i)] for i in retry]
            grown, ok = self.integrate_lanes(y0[:, retry], sub, np.array([pre_hours]))
            y2, status2 = self.steady_lanes(grown[-1], sub)
            for j, lane in enumerate(retry):
                if status2[j] == 0:
                    y[:, lane], status[lane] = y2[:, j], 0
                else:
                    y[:, lane] = grown[-1][:, j]
                    status[lane] = status2[j] if ok[j] == 0 else ok[j]
        return y, status

    def adopt_equilibria(self, other: Simulator) -> None:
        """Start from ``other``'s pre-culture states (to compare two engines on the exposure phase alone)."""
        self._equilibria.update(other._equilibria)
        self._y_default = other.y_default

    def basal(self) -> dict[str, float]:
        """Population mean of each relative readout in the untreated default cell."""
        if self._basal is None:
            lanes = LaneSet([{}], self.caps)
            y, _ = self.equilibrate(lanes, DEFAULT_PROTOCOL.pre_hours)
            ctx = self.context(lanes)
            res = Result(self.model, self.compiled, [Condition()], DEFAULT_PROTOCOL, np.array([0.0]), y[None],
                         ctx, ["ok"], len(self.caps), {})  # fmt: skip
            names = ["lipid_peroxidation", "GSH", "labile_iron", *self.model.nodes]
            self._basal = {n: float(res.lanes(n).mean()) for n in names}
        return self._basal

    def run(
        self,
        conditions: Sequence[Condition],
        protocol: Protocol | None = None,
        progress: Callable[[int], None] | None = None,
        t_end: float | None = None,
        n_points: int | None = None,
    ) -> Result:
        """Simulate ``conditions`` under ``protocol`` (``t_end``/``n_points`` override its exposure for brevity)."""
        protocol = protocol or DEFAULT_PROTOCOL
        if t_end is not None or n_points is not None:
            protocol = Protocol(protocol.pre, protocol.pre_hours, t_end or protocol.hours, protocol.washout,
                                n_points or protocol.n_points)  # fmt: skip
        started = time.perf_counter()
        pre = [self.model.resolve(p) if isinstance(p, str) else p for p in protocol.pre]
        all_conds = [c.with_pre(pre) for c in conditions]
        conds = list(dict.fromkeys(all_conds))  # identical conditions are simulated once
        k = len(self.caps)
        genotypes = self._genotypes(conds)
        pre_values = LaneSet([{**g, **c.pre_culture(self.model)} for g, c in zip(genotypes, conds, strict=True)],
                             self.caps)  # fmt: skip
        y0, eq_status = self.equilibrate(pre_values, protocol.pre_hours)
        for s in self.accumulators:
            y0[self.model.species_ids.index(s)] = 0.0
        exposures = [{**g, **c.exposure(self.model)} for g, c in zip(genotypes, conds, strict=True)]
        lanes = LaneSet(exposures, self.caps)
        times = np.array(protocol.output_times())
        states = np.empty((len(times), len(self.model.species_ids), len(lanes)))  # every time is filled below
        status = np.zeros(len(lanes), dtype=int)
        y, seg_lanes = y0, lanes
        for start, end, removed in protocol.segments():
            seg_lanes = (
                LaneSet([self._washed(v, removed) for v in exposures], self.caps)
                if removed is None or removed
                else lanes
            )
            inside = (times >= start) & (times <= end)
            t_seg = np.unique(np.concatenate([[0.0], times[inside] - start, [end - start]]))
            out, st = self.integrate_lanes(y, seg_lanes, t_seg)
            for j, t in enumerate(t_seg):
                hit = np.isclose(times, start + t)
                states[hit] = out[j]
            status = np.where(status == 0, st, status)
            y = out[-1]
        if progress:
            progress(len(all_conds))
        ctx = self.context(seg_lanes)  # the medium of the last segment (after any washout): what is read out
        per_cond = [self._condition_status(status[i * k : (i + 1) * k], eq_status[i * k : (i + 1) * k],
                                           protocol.pre_hours) for i in range(len(conds))]  # fmt: skip
        if len(conds) < len(all_conds):  # expand back to the caller's conditions
            where = {c: i for i, c in enumerate(conds)}
            inv = np.array([where[c] for c in all_conds], dtype=np.intp)
            lane_idx = (inv[:, None] * k + np.arange(k)).ravel()
            states = states[:, :, lane_idx]
            n_u = len(conds) * k
            ctx = {key: (v[lane_idx] if isinstance(v, np.ndarray) and v.shape == (n_u,) else v)
                   for key, v in ctx.items()}  # fmt: skip
            per_cond = [per_cond[i] for i in inv]
            conds = all_conds
        prov = self.provenance(protocol, time.perf_counter() - started)
        return Result(self.model, self.compiled, conds, protocol, times, states, ctx, per_cond, k, self.basal(), prov)

    def _genotypes(self, conds: Sequence[Condition]) -> list[dict[str, float]]:
        """Gene levels of each condition, computed once per distinct genotype (doses of a sample share it)."""
        memo: dict[Any, dict[str, float]] = {}
        out = []
        for c in conds:
            key = c.genotype_key()
            g = memo.get(key)
            if g is None:
                g = memo[key] = c.genotype(self.model)
            out.append(g)
        return out

    def _washed(self, values: dict[str, float], removed: frozenset[str] | None) -> dict[str, float]:
        if removed is None:
            return {k: v for k, v in values.items() if not k.startswith("dose_")}
        params = {self.model.compounds[c].param for c in removed}
        return {k: v for k, v in values.items() if k not in params}

    @staticmethod
    def _condition_status(run: np.ndarray, eq: np.ndarray, pre_hours: float) -> str:
        bad = [int(s) for s in run if s != 0]
        if bad:
            return STATUS[bad[0]]
        unstable = [int(s) for s in eq if s != 0]
        if unstable:
            reason = STATUS[unstable[0]].split("(")[-1].rstrip(")")
            return f"no stable steady state: the state after {pre_hours:g} h of pre-culture was used ({reason})"
        return "ok"

    def provenance(self, protocol: Protocol, seconds: float) -> dict[str, Any]:
        from ferronet import __version__

        return {
            "engine": f"{self.name}: {self.description}",
            "ferronet_version": __version__,
            "model_version": self.model.version,
            "parameter_set": self.model.fingerprint,
            "kb_version": _kb_version(),
            "rtol": self.tol.rtol,
            "atol": self.tol.atol,
            "protocol": protocol.describe(),
            "subpopulations": len(self.caps),
            "wall_time_s": round(seconds, 4),
        }


@lru_cache(maxsize=1)
def _kb_version() -> str:
    """Digest of the packaged knowledge-base tables."""
    digest = hashlib.sha256()
    folder = resources.files("ferronet.data.kb")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".tsv"):
            digest.update(entry.read_bytes())
    return digest.hexdigest()[:12]


_ENGINES: dict[str, type[Simulator]] = {}


def register(cls: type[Simulator]) -> type[Simulator]:
    _ENGINES[cls.name] = cls
    return cls


def engines() -> dict[str, str]:
    """Registered engines and what they are."""
    _load_engines()
    return {k: v.description for k, v in _ENGINES.items()}


def _load_engines(wanted: str | None = None) -> None:
    """Register the engines; libRoadRunner's module (SBML export, ~0.8 s of imports) only when needed."""
    import ferronet.sim.engine  # registers "batch"

    if wanted is None or wanted not in _ENGINES:  # registers "jax" (jax itself is imported when the engine is made)
        import ferronet.sim.jax_engine
    if wanted is None or wanted not in _ENGINES:
        import ferronet.sim.roadrunner_engine  # noqa: F401  (registers "roadrunner")


_INSTANCES: dict[tuple[str, int, str, Tolerances], Simulator] = {}


def get_simulator(model: Model, engine: str = "batch", tolerances: Tolerances | None = None) -> Simulator:
    """The simulator of ``engine`` bound to this model object (reused while its parameters are unchanged)."""
    from ferronet.errors import UnknownNameError
    from ferronet.names import suggest

    _load_engines(engine)
    if engine not in _ENGINES:
        raise UnknownNameError("engine", engine, suggest(engine, list(_ENGINES)))
    tol = tolerances or Tolerances()
    key = (engine, id(model), model.fingerprint, tol)
    sim = _INSTANCES.get(key)
    if sim is None or sim.model is not model:
        if len(_INSTANCES) > 64:
            _INSTANCES.clear()
        sim = _ENGINES[engine](model, tol)
        _INSTANCES[key] = sim
    return sim
