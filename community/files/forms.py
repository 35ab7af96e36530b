from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField
from wtforms.validators import Length

from community.web.forms import strip_filter

SLOTS = 5  # files in one upload (UPLOAD_FILES_PER_ITEM's default); the page shows the room left
ALT_HINT = (
    'For a picture: what it shows, for people who cannot see it (for example, "Driver '
    'diagram: reduce falls by 20%, with three primary drivers"). Not needed for other files.'
)


class AttachFilesForm(FlaskForm):
    """A file input and its alt text, SLOTS times: works with no JavaScript."""

    def slots(self, room: int) -> list[tuple]:
        return [(self[f"file_{n}"], self[f"alt_{n}"]) for n in range(1, min(room, SLOTS) + 1)]


for _n in range(1, SLOTS + 1):
    setattr(AttachFilesForm, f"file_{_n}", FileField(f"File {_n}" if _n > 1 else "File"))
    setattr(
        AttachFilesForm,
        f"alt_{_n}",
        StringField(
            f"Describe picture {_n}" if _n > 1 else "Describe the picture",
            validators=[Length(max=300, message="Keep the description to 300 characters")],
            filters=[strip_filter],
            description=ALT_HINT if _n == 1 else None,
        ),
    )
