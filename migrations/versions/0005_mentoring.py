"""mentoring: offers, capability self-assessments, requests, asks, mentorships

Creates every mentoring table (all new, so no server defaults are needed;
mentor_evidence holds each mentor's discussion evidence, counted ahead),
links notifications to a mentoring request or mentorship (two nullable
columns, so existing rows are untouched), and indexes threads by their key
post, which the mentor matcher joins on when it counts key learnings.

Reviewed by hand: constraint names follow the naming convention in
community/core/extensions.py, and changes to existing tables go through
batch_alter_table so that SQLite can apply them.

Revision ID: 0005
Revises: 0007
Create Date: 2026-11-26 06:05:00.600352

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('capability_assessments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('assessed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assessed_by_id'], ['users.id'], name=op.f('fk_capability_assessments_assessed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_capability_assessments_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_capability_assessments'))
    )
    with op.batch_alter_table('capability_assessments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_capability_assessments_assessed_by_id'), ['assessed_by_id'], unique=False)
        batch_op.create_index('ix_capability_assessments_org_created', ['organisation_id', 'created_at'], unique=False)

    op.create_table('mentor_offers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('capacity', sa.SmallInteger(), nullable=False),
    sa.Column('offers_video', sa.Boolean(), nullable=False),
    sa.Column('offers_phone', sa.Boolean(), nullable=False),
    sa.Column('offers_in_person', sa.Boolean(), nullable=False),
    sa.Column('note', sa.String(length=1000), nullable=False),
    sa.Column('paused_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('capacity >= 1', name=op.f('ck_mentor_offers_capacity_positive')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mentor_offers_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentor_offers')),
    sa.UniqueConstraint('user_id', name=op.f('uq_mentor_offers_user_id'))
    )
    op.create_table('mentor_evidence',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('helpful_marks', sa.Integer(), nullable=False),
    sa.Column('key_learnings', sa.Integer(), nullable=False),
    sa.Column('counted_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mentor_evidence_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_mentor_evidence'))
    )
    op.create_table('mentoring_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('requester_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=150), nullable=False),
    sa.Column('aim', sa.Text(), nullable=False),
    sa.Column('preferred_format', sa.String(length=12), nullable=False),
    sa.Column('timescale', sa.String(length=12), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('matched_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_mentoring_requests_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requester_id'], ['users.id'], name=op.f('fk_mentoring_requests_requester_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentoring_requests'))
    )
    with op.batch_alter_table('mentoring_requests', schema=None) as batch_op:
        batch_op.create_index('ix_mentoring_requests_org_created', ['organisation_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_mentoring_requests_requester_id'), ['requester_id'], unique=False)
        batch_op.create_index('ix_mentoring_requests_status_created', ['status', 'created_at'], unique=False)

    op.create_table('capability_scores',
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('component', sa.SmallInteger(), nullable=False),
    sa.Column('score', sa.SmallInteger(), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.CheckConstraint('score BETWEEN 1 AND 5', name=op.f('ck_capability_scores_score_range')),
    sa.ForeignKeyConstraint(['assessment_id'], ['capability_assessments.id'], name=op.f('fk_capability_scores_assessment_id_capability_assessments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('assessment_id', 'component', name=op.f('pk_capability_scores'))
    )
    op.create_table('mentor_offer_approaches',
    sa.Column('offer_id', sa.Integer(), nullable=False),
    sa.Column('tag_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['offer_id'], ['mentor_offers.id'], name=op.f('fk_mentor_offer_approaches_offer_id_mentor_offers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tag_id'], ['expertise_tags.id'], name=op.f('fk_mentor_offer_approaches_tag_id_expertise_tags'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('offer_id', 'tag_id', name=op.f('pk_mentor_offer_approaches'))
    )
    with op.batch_alter_table('mentor_offer_approaches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mentor_offer_approaches_tag_id'), ['tag_id'], unique=False)

    op.create_table('mentor_offer_components',
    sa.Column('offer_id', sa.Integer(), nullable=False),
    sa.Column('component', sa.SmallInteger(), nullable=False),
    sa.ForeignKeyConstraint(['offer_id'], ['mentor_offers.id'], name=op.f('fk_mentor_offer_components_offer_id_mentor_offers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('offer_id', 'component', name=op.f('pk_mentor_offer_components'))
    )
    with op.batch_alter_table('mentor_offer_components', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mentor_offer_components_component'), ['component'], unique=False)

    op.create_table('mentor_offer_systems',
    sa.Column('offer_id', sa.Integer(), nullable=False),
    sa.Column('system_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['offer_id'], ['mentor_offers.id'], name=op.f('fk_mentor_offer_systems_offer_id_mentor_offers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['system_id'], ['systems.id'], name=op.f('fk_mentor_offer_systems_system_id_systems'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('offer_id', 'system_id', name=op.f('pk_mentor_offer_systems'))
    )
    with op.batch_alter_table('mentor_offer_systems', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mentor_offer_systems_system_id'), ['system_id'], unique=False)

    op.create_table('mentoring_asks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('mentor_id', sa.Integer(), nullable=False),
    sa.Column('message', sa.String(length=1000), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('responded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('response', sa.String(length=1000), nullable=False),
    sa.ForeignKeyConstraint(['mentor_id'], ['users.id'], name=op.f('fk_mentoring_asks_mentor_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['request_id'], ['mentoring_requests.id'], name=op.f('fk_mentoring_asks_request_id_mentoring_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentoring_asks')),
    sa.UniqueConstraint('request_id', 'mentor_id', name=op.f('uq_mentoring_asks_request_id'))
    )
    with op.batch_alter_table('mentoring_asks', schema=None) as batch_op:
        batch_op.create_index('ix_mentoring_asks_mentor_status', ['mentor_id', 'status', 'created_at'], unique=False)
        batch_op.create_index('ix_mentoring_asks_status_expires', ['status', 'expires_at'], unique=False)

    op.create_table('mentoring_request_approaches',
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('tag_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['mentoring_requests.id'], name=op.f('fk_mentoring_request_approaches_request_id_mentoring_requests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tag_id'], ['expertise_tags.id'], name=op.f('fk_mentoring_request_approaches_tag_id_expertise_tags'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('request_id', 'tag_id', name=op.f('pk_mentoring_request_approaches'))
    )
    with op.batch_alter_table('mentoring_request_approaches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mentoring_request_approaches_tag_id'), ['tag_id'], unique=False)

    op.create_table('mentoring_request_components',
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('component', sa.SmallInteger(), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['mentoring_requests.id'], name=op.f('fk_mentoring_request_components_request_id_mentoring_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('request_id', 'component', name=op.f('pk_mentoring_request_components'))
    )
    op.create_table('mentorships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('mentor_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('hours_to_match', sa.Integer(), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=12), nullable=False),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_mentorships_closed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['mentor_id'], ['users.id'], name=op.f('fk_mentorships_mentor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_mentorships_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['request_id'], ['mentoring_requests.id'], name=op.f('fk_mentorships_request_id_mentoring_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentorships')),
    sa.UniqueConstraint('request_id', name=op.f('uq_mentorships_request_id'))
    )
    with op.batch_alter_table('mentorships', schema=None) as batch_op:
        batch_op.create_index('ix_mentorships_mentor_status', ['mentor_id', 'status'], unique=False)
        batch_op.create_index('ix_mentorships_org_status', ['organisation_id', 'status'], unique=False)
        batch_op.create_index('ix_mentorships_status_closed', ['status', 'closed_at'], unique=False)

    op.create_table('mentoring_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mentorship_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('format', sa.String(length=12), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('next_steps', sa.Text(), nullable=False),
    sa.Column('logged_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['logged_by_id'], ['users.id'], name=op.f('fk_mentoring_sessions_logged_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['mentorship_id'], ['mentorships.id'], name=op.f('fk_mentoring_sessions_mentorship_id_mentorships'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentoring_sessions'))
    )
    with op.batch_alter_table('mentoring_sessions', schema=None) as batch_op:
        batch_op.create_index('ix_mentoring_sessions_mentorship_held', ['mentorship_id', 'held_on', 'id'], unique=False)

    op.create_table('mentorship_feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mentorship_id', sa.Integer(), nullable=False),
    sa.Column('side', sa.String(length=12), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('rating', sa.SmallInteger(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('rating BETWEEN 1 AND 5', name=op.f('ck_mentorship_feedback_rating_range')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_mentorship_feedback_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['mentorship_id'], ['mentorships.id'], name=op.f('fk_mentorship_feedback_mentorship_id_mentorships'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentorship_feedback')),
    sa.UniqueConstraint('mentorship_id', 'side', name=op.f('uq_mentorship_feedback_mentorship_id'))
    )
    op.create_table('mentorship_goals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mentorship_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('progress', sa.String(length=12), nullable=False),
    sa.Column('progress_note', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['mentorship_id'], ['mentorships.id'], name=op.f('fk_mentorship_goals_mentorship_id_mentorships'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentorship_goals'))
    )
    with op.batch_alter_table('mentorship_goals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mentorship_goals_mentorship_id'), ['mentorship_id'], unique=False)

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mentoring_request_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('mentorship_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_notifications_mentorship_id_mentorships'), 'mentorships', ['mentorship_id'], ['id'], ondelete='CASCADE')
        batch_op.create_foreign_key(batch_op.f('fk_notifications_mentoring_request_id_mentoring_requests'), 'mentoring_requests', ['mentoring_request_id'], ['id'], ondelete='CASCADE')

    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.create_index('ix_threads_key_post_id', ['key_post_id'], unique=False)



def downgrade():
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.drop_index('ix_threads_key_post_id')

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_notifications_mentoring_request_id_mentoring_requests'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_notifications_mentorship_id_mentorships'), type_='foreignkey')
        batch_op.drop_column('mentorship_id')
        batch_op.drop_column('mentoring_request_id')

    with op.batch_alter_table('mentorship_goals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mentorship_goals_mentorship_id'))

    op.drop_table('mentorship_goals')
    op.drop_table('mentorship_feedback')
    with op.batch_alter_table('mentoring_sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_mentoring_sessions_mentorship_held')

    op.drop_table('mentoring_sessions')
    with op.batch_alter_table('mentorships', schema=None) as batch_op:
        batch_op.drop_index('ix_mentorships_status_closed')
        batch_op.drop_index('ix_mentorships_org_status')
        batch_op.drop_index('ix_mentorships_mentor_status')

    op.drop_table('mentorships')
    op.drop_table('mentoring_request_components')
    with op.batch_alter_table('mentoring_request_approaches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mentoring_request_approaches_tag_id'))

    op.drop_table('mentoring_request_approaches')
    with op.batch_alter_table('mentoring_asks', schema=None) as batch_op:
        batch_op.drop_index('ix_mentoring_asks_status_expires')
        batch_op.drop_index('ix_mentoring_asks_mentor_status')

    op.drop_table('mentoring_asks')
    with op.batch_alter_table('mentor_offer_systems', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mentor_offer_systems_system_id'))

    op.drop_table('mentor_offer_systems')
    with op.batch_alter_table('mentor_offer_components', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mentor_offer_components_component'))

    op.drop_table('mentor_offer_components')
    with op.batch_alter_table('mentor_offer_approaches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mentor_offer_approaches_tag_id'))

    op.drop_table('mentor_offer_approaches')
    op.drop_table('capability_scores')
    with op.batch_alter_table('mentoring_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_mentoring_requests_status_created')
        batch_op.drop_index(batch_op.f('ix_mentoring_requests_requester_id'))
        batch_op.drop_index('ix_mentoring_requests_org_created')

    op.drop_table('mentoring_requests')
    op.drop_table('mentor_evidence')
    op.drop_table('mentor_offers')
    with op.batch_alter_table('capability_assessments', schema=None) as batch_op:
        batch_op.drop_index('ix_capability_assessments_org_created')
        batch_op.drop_index(batch_op.f('ix_capability_assessments_assessed_by_id'))

    op.drop_table('capability_assessments')
