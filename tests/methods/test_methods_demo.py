"""flask seed-demo fills the methods library the way the issue describes."""

from __future__ import annotations

import sqlalchemy as sa

from community.core.extensions import db
from community.directory.models import Organisation
from community.methods.lineage import ancestors
from community.methods.models import Adaptation, Method, MethodRevision, MethodUse


def test_seed_demo_adds_methods_with_chains_revisions_and_uses(demo_seeded, demo_app):
    assert "31 methods" in demo_seeded
    methods = list(db.session.scalars(sa.select(Method)))
    published = [m for m in methods if m.is_published]
    assert 28 <= len(published) <= 32
    assert len({t.slug for m in published for t in m.approaches}) >= 10
    depths = [len(ancestors(m.lead_author, m)) for m in published if m.parent_id]
    assert depths.count(3) >= 2  # two chains three adaptations deep
    revisions = db.session.scalar(sa.select(sa.func.count(MethodRevision.id)))
    assert revisions > len(published)  # some published methods were edited later
    assert db.session.scalar(sa.select(sa.func.count(MethodUse.id))) > 100
    systems = db.session.scalar(
        sa.select(sa.func.count(sa.distinct(Organisation.system_id))).join(
            Adaptation, Adaptation.organisation_id == Organisation.id
        )
    )
    assert systems >= 4
    for method in published:  # parents were published before their adaptations
        if method.parent_id:
            assert db.session.get(Method, method.parent_id).published_at < method.published_at
