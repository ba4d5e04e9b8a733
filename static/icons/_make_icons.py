"""Makes the app icons (PNG) from ../favicon.svg with Chromium; run once
after changing the favicon, then commit the PNGs:

    python static/icons/_make_icons.py

``icon-*.png`` keep the favicon's rounded square; ``maskable-512.png`` and
``apple-touch-icon.png`` fill the whole square with the letter inside the
safe zone (phones cut their own shape out of them)."""

from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
FAVICON = (HERE.parent / "favicon.svg").read_text(encoding="utf-8")
# The favicon's letter, scaled to 60 % around the centre, on a full square.
FULL_BLEED = FAVICON.replace('rx="6" ', "").replace("<path ", '<path transform="translate(16 16) scale(0.6) translate(-16 -15.5)" ')

ICONS = {
    "icon-192.png": (FAVICON, 192),
    "icon-512.png": (FAVICON, 512),
    "maskable-512.png": (FULL_BLEED, 512),
    "apple-touch-icon.png": (FULL_BLEED, 180),
}

with sync_playwright() as playwright:
    browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
    page = browser.new_page(device_scale_factor=1)
    for name, (svg, size) in ICONS.items():
        page.set_viewport_size({"width": size, "height": size})
        sized = svg.replace('width="32" height="32"', f'width="{size}" height="{size}"', 1)  # the svg element's, not the square's
        page.set_content(f"<html><head><style>html,body{{margin:0;background:transparent}} svg{{display:block}}</style></head><body>{sized}</body></html>")
        page.screenshot(path=str(HERE / name), omit_background=True, clip={"x": 0, "y": 0, "width": size, "height": size})
    browser.close()
