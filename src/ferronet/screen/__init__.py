"""Screens: gene perturbation scans, drug-combination dose matrices with synergy scores, recommendations."""

from ferronet.screen.combo import ComboResult, combo_screen
from ferronet.screen.recommend import Recommendation, RecommendationReport, recommend
from ferronet.screen.scan import gene_scan
from ferronet.screen.synergy import METHODS, score, summary

__all__ = [
    "METHODS",
    "ComboResult",
    "Recommendation",
    "RecommendationReport",
    "combo_screen",
    "gene_scan",
    "recommend",
    "score",
    "summary",
]
