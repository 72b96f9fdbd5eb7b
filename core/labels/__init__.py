"""Job and stock labels built from plain values: what each label says, and how many a job needs."""

from core.labels.carton import carton_label
from core.labels.job import JobLabelInfo, LabelContentError, expiry_date
from core.labels.job_set import job_labels
from core.labels.pallet import pallet_label
from core.labels.plan import KINDS, LabelCounts, LabelPlanError, PlannedLabel, label_counts, label_plan
from core.labels.product import product_label
from core.labels.sizes import DEFAULT_SIZES, choose_size
from core.labels.trackid import trackid_label

__all__ = [
    "KINDS", "DEFAULT_SIZES", "JobLabelInfo", "LabelContentError", "LabelCounts", "LabelPlanError", "PlannedLabel",
    "carton_label", "choose_size", "expiry_date", "job_labels", "label_counts", "label_plan", "pallet_label",
    "product_label", "trackid_label",
]
