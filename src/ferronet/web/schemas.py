"""Request bodies of the JSON API (validated at the boundary; limits keep one request bounded)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from ferronet.model.perturbation import MAX_DOSE_UM

Name = Field(min_length=1, max_length=80)
Dose = Annotated[float, Field(ge=0, le=MAX_DOSE_UM, allow_inf_nan=False, description="uM, 0 to 1 M")]


class SimulateRequest(BaseModel):
    perturbations: list[Annotated[str, Field(max_length=120)]] = Field(
        default_factory=list, max_length=12, description="GENE:action, drug[@dose], condition"
    )
    cell: str | None = Field(default=None, max_length=40)
    readouts: list[str] = Field(default_factory=list, max_length=8)


class DoseResponseRequest(BaseModel):
    drug: str = Name
    extra: list[str] = Field(default_factory=list, max_length=8, description="added to every dose")
    cell: str | None = Field(default=None, max_length=40)
    doses: list[Dose] | None = Field(default=None, max_length=24)


class ComboRequest(BaseModel):
    drugs: list[Annotated[str, Field(min_length=1, max_length=80)]] = Field(min_length=2, max_length=2)
    cell: str | None = Field(default=None, max_length=40)
    n_doses: int = Field(default=6, ge=3, le=10)
    doses: dict[str, Annotated[list[Dose], Field(min_length=1, max_length=10)]] | None = Field(
        default=None, max_length=2, description="drug -> doses in uM (0 is added); default n_doses per drug"
    )


class RecommendRequest(BaseModel):
    therapy: str = Name
    cancer: str | None = Field(default=None, max_length=80)
    mutations: list[Annotated[str, Field(max_length=80)]] = Field(default_factory=list, max_length=10)
    top: int = Field(default=10, ge=1, le=50)
