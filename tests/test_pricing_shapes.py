"""Photo quote geometry: each shape's area checked against a figure worked out by hand (L6)."""

from decimal import Decimal

import pytest

from powdercoat import pricing
from powdercoat.models.choices import Shape

D = Decimal


def test_every_shape_choice_has_dimensions():
    """The geometry knows exactly the shapes a user can pick."""
    assert set(pricing.SHAPE_DIMENSIONS) == set(Shape.values)


def test_flat_panel_counts_both_faces_and_the_edges():
    """24 x 12 x 0.125 in: 2·24·12 = 576 plus 2·0.125·36 = 9, 585 in² / 144 = 4.0625 → 4.06."""
    area = pricing.shape_area_sqft(
        "flat_panel", {"length": "24", "width": "12", "thickness": "0.125"}
    )
    assert area == D("4.06")


def test_flat_panel_may_have_zero_thickness():
    """24 x 12 in sheet with no edges: 2·288 = 576 in² / 144 = 4.00 sq ft."""
    area = pricing.shape_area_sqft("flat_panel", {"length": 24, "width": 12, "thickness": 0})
    assert area == D("4.00")


def test_box_counts_all_six_faces():
    """12 x 10 x 8 in: 2·(120 + 96 + 80) = 592 in² / 144 = 4.111 → 4.11 sq ft."""
    area = pricing.shape_area_sqft("box", {"length": 12, "width": 10, "height": 8})
    assert area == D("4.11")


def test_cylinder_counts_the_side_and_both_ends():
    """4 in x 36 in: π·4·36 = 144π plus 2·π·2² = 8π; 152π / 144 = 3.3161 → 3.32 sq ft."""
    area = pricing.shape_area_sqft("cylinder", {"diameter": "4", "length": "36"})
    assert area == D("3.32")


def test_wheel_is_two_solid_faces_and_the_barrel():
    """17 in x 8 in: 2·π·8.5² = 144.5π plus π·17·8 = 136π; 280.5π / 144 = 6.1196 → 6.12."""
    area = pricing.shape_area_sqft("wheel", {"diameter": "17", "width": "8"})
    assert area == D("6.12")


def test_frame_tube_is_the_outside_of_the_tube():
    """1.5 in tube, 240 in long: π·1.5·240 = 360π in² / 144 = 2.5π = 7.854 → 7.85 sq ft."""
    area = pricing.shape_area_sqft("frame_tube", {"tube_diameter": "1.5", "total_length": "240"})
    assert area == D("7.85")


def test_area_is_rounded_half_up_to_the_hundredth():
    """A 3 x 3 x 0 in panel is 18 in² / 144 = 0.125 sq ft, shown as 0.13 (half up)."""
    area = pricing.shape_area_sqft("flat_panel", {"length": 3, "width": 3, "thickness": 0})
    assert area == D("0.13")


def test_decimal_and_padded_text_dimensions_are_accepted():
    """Decimals and text with spaces around it measure the same as plain numbers."""
    area = pricing.shape_area_sqft("box", {"length": D("12"), "width": " 10 ", "height": 8})
    assert area == D("4.11")


def test_unknown_shape_is_refused_by_name():
    """A shape the geometry does not know is named in the message, with the known ones."""
    with pytest.raises(pricing.PricingError, match=r"Unknown shape 'sphere'; choose one of: "):
        pricing.shape_area_sqft("sphere", {"diameter": 10})


@pytest.mark.parametrize("missing", [None, "", "   "])
def test_missing_dimension_is_named_by_its_label(missing):
    """A dimension left out or blank is reported by the label the user sees."""
    dimensions = {"diameter": "17"}
    if missing is not None:
        dimensions["width"] = missing
    with pytest.raises(pricing.PricingError, match=r"^Width \(in\) is required\.$"):
        pricing.shape_area_sqft("wheel", dimensions)


@pytest.mark.parametrize("value", ["abc", "NaN", "Infinity", True])
def test_dimension_that_is_not_a_number_is_refused(value):
    """Text, NaN, infinity and booleans are not lengths."""
    with pytest.raises(pricing.PricingError, match=r"^Length \(in\) must be a number, got "):
        pricing.shape_area_sqft("cylinder", {"diameter": "4", "length": value})


def test_not_a_number_message_quotes_what_was_typed():
    """The message shows the text exactly as typed."""
    with pytest.raises(pricing.PricingError) as caught:
        pricing.shape_area_sqft("box", {"length": "abc", "width": 1, "height": 1})
    assert str(caught.value) == "Length (in) must be a number, got 'abc'."


@pytest.mark.parametrize("value", ["0", "-3"])
def test_zero_or_negative_dimension_is_refused(value):
    """A diameter of 0 or less is refused with the field's label."""
    with pytest.raises(pricing.PricingError) as caught:
        pricing.shape_area_sqft("wheel", {"diameter": value, "width": "8"})
    assert str(caught.value) == "Diameter (in) must be greater than 0."


def test_negative_panel_thickness_is_refused():
    """A panel may be 0 in thick but not less."""
    with pytest.raises(pricing.PricingError) as caught:
        pricing.shape_area_sqft("flat_panel", {"length": 24, "width": 12, "thickness": "-0.1"})
    assert str(caught.value) == "Thickness (in) cannot be negative."
