"""Integrated care systems and the organisations in them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.core.extensions import db
from community.core.models_base import created_at_column


class OrganisationType(StrEnum):
    ACUTE_TRUST = "acute_trust"
    MENTAL_HEALTH_TRUST = "mental_health_trust"
    COMMUNITY_PROVIDER = "community_provider"
    AMBULANCE_TRUST = "ambulance_trust"
    PRIMARY_CARE_NETWORK = "primary_care_network"
    GP_PRACTICE = "gp_practice"
    LOCAL_AUTHORITY = "local_authority"
    HOSPICE = "hospice"
    VCSE = "vcse"
    ICB = "icb"

    @property
    def label(self) -> str:
        return ORGANISATION_TYPE_LABELS[self]


ORGANISATION_TYPE_LABELS = {
    OrganisationType.ACUTE_TRUST: "Acute trust",
    OrganisationType.MENTAL_HEALTH_TRUST: "Mental health trust",
    OrganisationType.COMMUNITY_PROVIDER: "Community provider",
    OrganisationType.AMBULANCE_TRUST: "Ambulance trust",
    OrganisationType.PRIMARY_CARE_NETWORK: "Primary care network",
    OrganisationType.GP_PRACTICE: "GP practice",
    OrganisationType.LOCAL_AUTHORITY: "Local authority",
    OrganisationType.HOSPICE: "Hospice",
    OrganisationType.VCSE: "Voluntary, community or social enterprise body",
    OrganisationType.ICB: "Integrated care board",
}


class System(db.Model):
    """An integrated care system: the organisations of one area."""

    __tablename__ = "systems"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    region: Mapped[str] = mapped_column(sa.String(60), default="")
    created_at: Mapped[datetime] = created_at_column()

    organisations: Mapped[list[Organisation]] = relationship(
        back_populates="system", order_by="Organisation.name", lazy="raise"
    )

    def __repr__(self) -> str:
        return f"<System {self.slug}>"


class Organisation(db.Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(160), unique=True)
    slug: Mapped[str] = mapped_column(sa.String(160), unique=True)
    type: Mapped[str] = mapped_column(sa.String(40))
    system_id: Mapped[int] = mapped_column(sa.ForeignKey("systems.id"), index=True)
    created_at: Mapped[datetime] = created_at_column()

    system: Mapped[System] = relationship(back_populates="organisations", lazy="joined")

    @property
    def type_label(self) -> str:
        return OrganisationType(self.type).label

    def __repr__(self) -> str:
        return f"<Organisation {self.slug}>"


class EmailDomain(db.Model):
    """An email domain site administrators know: one organisation's (its staff's
    addresses place them there) or shared by many (nhs.net: the member says which).

    Together with ALLOWED_EMAIL_DOMAINS these make the allow-list for registering
    and for signing in with NHSmail (`community.directory.email_domains`).
    """

    __tablename__ = "email_domains"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Lower-case, without "@": "riverside.nhs.uk". Its subdomains count as it.
    domain: Mapped[str] = mapped_column(sa.String(253), unique=True)
    # None for a shared domain.
    organisation_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = created_at_column()

    organisation: Mapped[Optional[Organisation]] = relationship(lazy="joined")

    @property
    def is_shared(self) -> bool:
        return self.organisation_id is None

    def __repr__(self) -> str:
        return f"<EmailDomain {self.domain}>"
