"""Request bodies of the JSON API (validated at the boundary; limits keep one request bounded)."""

from __future__ import annotations

from pydantic import BaseModel, Field

Name = Field(min_length=1, max_length=80)


class SimulateRequest(BaseModel):
    perturbations: list[str] = Field(
        default_factory=list, max_length=12, description="GENE:action, drug[@dose], condition"
    )
    cell: str | None = Field(default=None, max_length=40)
    readouts: list[str] = Field(default_factory=list, max_length=8)


class DoseResponseRequest(BaseModel):
    drug: str = Name
    extra: list[str] = Field(default_factory=list, max_length=8, description="added to every dose")
    cell: str | None = Field(default=None, max_length=40)
    doses: list[float] | None = Field(default=None, max_length=24)


class ComboRequest(BaseModel):
    drugs: list[str] = Field(min_length=2, max_length=2)
    cell: str | None = Field(default=None, max_length=40)
    n_doses: int = Field(default=6, ge=3, le=10)


class RecommendRequest(BaseModel):
    therapy: str = Name
    cancer: str | None = Field(default=None, max_length=80)
    mutations: list[str] = Field(default_factory=list, max_length=10)
    profile: dict[str, float] | None = Field(default=None, max_length=2000, description="gene -> relative level")
    top: int = Field(default=10, ge=1, le=50)
