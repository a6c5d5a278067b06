"""取件方式: how the citizen gets the result."""

from __future__ import annotations

from enum import StrEnum


class PickupMethod(StrEnum):
    """取件方式 as stored."""

    ONSITE = "onsite"
    COURIER = "courier"


PICKUP_METHODS: dict[str, str] = {PickupMethod.ONSITE: "现场取件", PickupMethod.COURIER: "快递寄送"}
"""Pickup method code → Chinese label."""

COURIER_LABELS: dict[str, str] = {"recipient": "收件人", "phone": "收件人电话", "address": "收件地址"}
"""The courier fields, as the pickup form, the review, the detail and their error messages name them."""
