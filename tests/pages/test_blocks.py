"""Every body block has an icon, a template and a preview that renders."""

import pytest

from pages.blocks import BodyBlock
from pages.models import Statistic, StatisticPoint

pytestmark = pytest.mark.django_db

BLOCKS = BodyBlock().child_blocks


@pytest.fixture
def preview_data(image):
    statistic = Statistic.objects.create(
        title="Selvmord i Norge", unit="selvmord", source_name="FHI"
    )
    StatisticPoint.objects.create(statistic=statistic, year=2017, value=595)
    return image


@pytest.mark.parametrize("name", list(BLOCKS))
def test_block_has_icon_template_and_rendering_preview(preview_data, name):
    block = BLOCKS[name]
    assert block.meta.icon and block.meta.icon != "placeholder"
    assert block.meta.template.startswith("pages/blocks/")
    html = block.render(block.get_preview_value())
    assert html.strip(), f"{name} preview renders nothing"


def test_statistic_preview_shows_a_real_figure(preview_data):
    html = BLOCKS["statistic"].render(BLOCKS["statistic"].get_preview_value())
    assert "595" in html and "Selvmord i Norge" in html


def test_image_preview_uses_an_uploaded_image(preview_data):
    html = BLOCKS["image"].render(BLOCKS["image"].get_preview_value())
    assert "<img" in html and "Bildetekst" in html
