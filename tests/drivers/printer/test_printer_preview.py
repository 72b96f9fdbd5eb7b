from PIL import Image

from drivers.printer.preview import half_blocks, preview_size
from drivers.printer.printing import PrinterConfig, preview_lines


def test_half_blocks_map_pixel_pairs():
    image = Image.new("1", (4, 2), 1)
    image.putpixel((0, 0), 0)  # top only
    image.putpixel((1, 1), 0)  # bottom only
    image.putpixel((2, 0), 0)
    image.putpixel((2, 1), 0)  # both
    assert half_blocks(image, 4, 1) == ["\u2580\u2584\u2588 "]


def test_scaled_to_fit_keeping_proportions():
    assert preview_size((696, 600), 40, 20) == (40, 34)
    assert preview_size((1164, 1660), 80, 20) == (28, 40)
    assert preview_size((10, 10), 0, 5) == (0, 0)


def test_preview_of_a_label_fits_the_box(sample_label):
    lines = preview_lines(sample_label, PrinterConfig("file:///dev/null"), columns=60, rows=15)
    assert 0 < len(lines) <= 15 and all(len(line) <= 60 for line in lines)
    assert len({len(line) for line in lines}) == 1
    assert set("".join(lines)) <= set(" \u2580\u2584\u2588")
    assert any("\u2588" in line for line in lines)  # the bars show


def test_thin_strokes_survive_shrinking():
    image = Image.new("1", (400, 40), 1)
    for x in range(0, 400, 8):
        for y in range(40):
            image.putpixel((x, y), 0)  # one-dot lines, 1 in 8 columns inked
    assert any(c != " " for c in "".join(half_blocks(image, 50, 5, ink_share=0.1)))
