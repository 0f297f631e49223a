"""Place names for the postal codes the site knows: the four largest cities' central ranges.
Anything else gets no place, and a signer on the public list is then shown by first name only."""

KNOWN_RANGES = [
    # (first, last, place): inclusive ranges of four-digit postal codes.
    ("0001", "1299", "Oslo"),
    ("4001", "4099", "Stavanger"),
    ("5003", "5099", "Bergen"),
    ("7003", "7099", "Trondheim"),
]


def place_for_postal_code(postal_code):
    for first, last, place in KNOWN_RANGES:
        if first <= postal_code <= last:
            return place
    return ""
