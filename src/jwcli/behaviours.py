"""The ten collaborative behaviours (shared/spec/scoring.md): ids, titles and short labels.

Plain data with no imports, so the output layer can name behaviours without loading pydantic.
"""

BEHAVIOURS: dict[str, str] = {
    "objectives-met": "Collaborative working objectives are being met",
    "cost-optimisation": "Optimising collaborative working costs",
    "objectives-aligned": (
        "Joint working objectives continually tested and aligned against business objectives"
    ),
    "commercial-trust": "Inherent commercial trust",
    "flexible-charter": "Flexible relationship charter",
    "critical-friend": "Critical friend supplier",
    "innovation": "Collaboration / innovation",
    "evidence-based": "Evidence-based results",
    "peer-reputation": "High reputation with peers",
    "internal-alignment": "Internal team aligned",
}
# Short labels for tables and charts, where the full titles do not fit.
BEHAVIOUR_SHORT: dict[str, str] = {
    "objectives-met": "Objectives met",
    "cost-optimisation": "Cost optimisation",
    "objectives-aligned": "Objectives aligned",
    "commercial-trust": "Commercial trust",
    "flexible-charter": "Flexible charter",
    "critical-friend": "Critical friend",
    "innovation": "Innovation",
    "evidence-based": "Evidence-based",
    "peer-reputation": "Peer reputation",
    "internal-alignment": "Internal alignment",
}
