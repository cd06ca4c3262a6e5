"""Colour arithmetic for the chart's palette: WCAG contrast and CIEDE2000. Pure logic.

The chart promises that every series has at least 3:1 contrast against the page
(WCAG 2.x non-text contrast, 1.4.11) and that any two series on one chart differ by a
CIEDE2000 colour difference of at least 20. These functions let the tests check it.

CIEDE2000 follows Sharma, Wu and Dalal, "The CIEDE2000 color-difference formula:
implementation notes, supplementary test data, and mathematical observations" (2005),
whose test pairs are in tests/claims/test_chart.py.
"""

from __future__ import annotations

import math

# D65 reference white, for sRGB → CIELAB.
WHITE_X, WHITE_Y, WHITE_Z = 0.95047, 1.0, 1.08883


def parse_hex(colour: str) -> tuple[int, int, int]:
    """Return the 0–255 channels of "#rrggbb" or "#rgb"."""
    text = colour.lstrip("#")
    if len(text) == 3:
        text = "".join(c * 2 for c in text)
    if len(text) != 6:
        raise ValueError(f"{colour!r} is not a #rrggbb colour")
    return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """Return the WCAG relative luminance of an sRGB colour (0 black … 1 white)."""
    r, g, b = (_linear(c) for c in parse_hex(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    """Return the WCAG contrast ratio of two colours, from 1 to 21."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def lab(colour: str) -> tuple[float, float, float]:
    """Return the CIELAB (D65) coordinates of an sRGB colour."""
    r, g, b = (_linear(c) for c in parse_hex(colour))
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / WHITE_X
    y = (0.2126 * r + 0.7152 * g + 0.0722 * b) / WHITE_Y
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / WHITE_Z

    def f(t: float) -> float:
        return t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def ciede2000(
    lab1: tuple[float, float, float], lab2: tuple[float, float, float]
) -> float:
    """Return the CIEDE2000 difference of two CIELAB colours (kL = kC = kH = 1)."""
    l1, a1, b1 = lab1
    l2, a2, b2 = lab2
    c1, c2 = math.hypot(a1, b1), math.hypot(a2, b2)
    c_bar7 = ((c1 + c2) / 2) ** 7
    g = 0.5 * (1 - math.sqrt(c_bar7 / (c_bar7 + 25**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = math.degrees(math.atan2(b2, a2p)) % 360 if c2p else 0.0

    dl = l2 - l1
    dc = c2p - c1p
    if c1p * c2p == 0:
        dh = 0.0
    elif abs(h2p - h1p) <= 180:
        dh = h2p - h1p
    elif h2p - h1p > 180:
        dh = h2p - h1p - 360
    else:
        dh = h2p - h1p + 360
    dH = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dh / 2))

    l_bar = (l1 + l2) / 2
    c_bar = (c1p + c2p) / 2
    if c1p * c2p == 0:
        h_bar = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        h_bar = (h1p + h2p) / 2
    elif h1p + h2p < 360:
        h_bar = (h1p + h2p + 360) / 2
    else:
        h_bar = (h1p + h2p - 360) / 2
    t = (
        1
        - 0.17 * math.cos(math.radians(h_bar - 30))
        + 0.24 * math.cos(math.radians(2 * h_bar))
        + 0.32 * math.cos(math.radians(3 * h_bar + 6))
        - 0.20 * math.cos(math.radians(4 * h_bar - 63))
    )
    d_theta = 30 * math.exp(-(((h_bar - 275) / 25) ** 2))
    c_bar7 = c_bar**7
    r_c = 2 * math.sqrt(c_bar7 / (c_bar7 + 25**7))
    s_l = 1 + 0.015 * (l_bar - 50) ** 2 / math.sqrt(20 + (l_bar - 50) ** 2)
    s_c = 1 + 0.045 * c_bar
    s_h = 1 + 0.015 * c_bar * t
    r_t = -math.sin(math.radians(2 * d_theta)) * r_c
    return math.sqrt(
        (dl / s_l) ** 2
        + (dc / s_c) ** 2
        + (dH / s_h) ** 2
        + r_t * (dc / s_c) * (dH / s_h)
    )


def colour_difference(a: str, b: str) -> float:
    """Return the CIEDE2000 difference of two sRGB colours."""
    return ciede2000(lab(a), lab(b))


# Machado, Oliveira and Fernandes (2009), severity 1.0, on linear sRGB.
CVD_MATRICES = {
    "deuteranopia": (
        (0.367322, 0.860646, -0.227968),
        (0.280085, 0.672501, 0.047413),
        (-0.011820, 0.042940, 0.968881),
    ),
    "protanopia": (
        (0.152286, 1.052583, -0.204868),
        (0.114503, 0.786281, 0.099216),
        (-0.003882, -0.048116, 1.051998),
    ),
    "tritanopia": (
        (1.255528, -0.076749, -0.178779),
        (-0.078411, 0.930809, 0.147602),
        (0.004733, 0.691367, 0.303900),
    ),
}


def simulate(colour: str, deficiency: str) -> str:
    """Return how `colour` looks with a colour-vision deficiency (CVD_MATRICES)."""
    matrix = CVD_MATRICES[deficiency]
    linear = [_linear(c) for c in parse_hex(colour)]
    seen = [
        min(1.0, max(0.0, sum(m * c for m, c in zip(row, linear, strict=True))))
        for row in matrix
    ]

    def encode(v: float) -> int:
        v = 12.92 * v if v <= 0.0031308 else 1.055 * v ** (1 / 2.4) - 0.055
        return round(v * 255)

    return "#{:02x}{:02x}{:02x}".format(*(encode(v) for v in seen))
