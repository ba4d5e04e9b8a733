"""sync outbox and hub

Many boxes, one hub (docs/sync.md). On a box: the outbox of events to send
(sync_outbox, numbered by seq), the random key each learner is known by
outside the box (sync_learners), and the last version of each held session
sent (sync_sent_sessions). On a hub: the registered boxes, every event
received (hub_received, for idempotency and gaps), the bundles received,
and the facts the report reads (hub_organisations, hub_cohorts,
hub_learners, hub_members, hub_enrolments, hub_lessons, hub_certificates,
hub_revocations, hub_sessions, hub_attendance). A box's tables stay empty
on a hub and a hub's on a box.

Revision ID: 540b981d3a49
Revises: 5c1e0a7b9d21
Create Date: 2026-11-30 20:56:07.997450

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '540b981d3a49'
down_revision = '5c1e0a7b9d21'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('hub_boxes',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('public_key', sa.String(length=100), nullable=True),
    sa.Column('registered_dt', sa.DateTime(), nullable=False),
    sa.Column('revoked_dt', sa.DateTime(), nullable=True),
    sa.Column('last_bundle_dt', sa.DateTime(), nullable=True),
    sa.Column('state_bundle_no', sa.Integer(), nullable=False),
    sa.Column('acked_seq', sa.Integer(), nullable=False),
    sa.Column('max_seq', sa.Integer(), nullable=False),
    sa.Column('fork_dt', sa.DateTime(), nullable=True),
    sa.Column('fork_note', sa.String(length=500), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hub_boxes'))
    )
    op.create_table('hub_bundles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('box_id', sa.String(length=32), nullable=True),
    sa.Column('bundle_no', sa.Integer(), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('message', sa.String(length=1000), nullable=False),
    sa.Column('kept_path', sa.String(length=500), nullable=True),
    sa.Column('received_dt', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hub_bundles'))
    )
    with op.batch_alter_table('hub_bundles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hub_bundles_box_id'), ['box_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_hub_bundles_sha256'), ['sha256'], unique=False)

    op.create_table('hub_cohorts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('box_id', sa.String(length=32), nullable=False),
    sa.Column('local_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('course_id', sa.String(length=100), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hub_cohorts')),
    sa.UniqueConstraint('box_id', 'local_id', name=op.f('uq_hub_cohorts_box_id'))
    )
    op.create_table('hub_learners',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('box_id', sa.String(length=32), nullable=False),
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('gender', sa.String(length=24), nullable=True),
    sa.Column('job_role', sa.String(length=24), nullable=True),
    sa.Column('age_band', sa.String(length=24), nullable=True),
    sa.Column('display_name', sa.String(length=200), nullable=True),
    sa.Column('username', sa.String(length=64), nullable=True),
    sa.Column('erased', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hub_learners')),
    sa.UniqueConstraint('box_id', 'key', name=op.f('uq_hub_learners_box_id'))
    )
    with op.batch_alter_table('hub_learners', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hub_learners_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('hub_organisations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('box_id', sa.String(length=32), nullable=False),
    sa.Column('local_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('sector', sa.String(length=32), nullable=True),
    sa.Column('parent', sa.String(length=200), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hub_organisations')),
    sa.UniqueConstraint('box_id', 'local_id', name=op.f('uq_hub_organisations_box_id'))
    )
    op.create_table('hub_revocations',
    sa.Column('certificate_id', sa.String(length=32), nullable=False),
    sa.Column('revoked_dt', sa.DateTime(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.PrimaryKeyConstraint('certificate_id', name=op.f('pk_hub_revocations'))
    )
    op.create_table('hub_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('box_id', sa.String(length=32), nullable=False),
    sa.Column('local_key', sa.String(length=64), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=True),
    sa.Column('modality', sa.String(length=16), nullable=False),
    sa.Column('starts_dt', sa.DateTime(), nullable=False),
    sa.Column('version_seq', sa.Integer(), nullable=False),
    sa.Column('cancelled', sa.Boolean(), nullable=False),
    sa.Column('present_count', sa.Integer(), nullable=False),
    sa.Column('absent_count', sa.Integer(), nullable=False),
    sa.Column('excused_count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hub_sessions')),
    sa.UniqueConstraint('box_id', 'local_key', name=op.f('uq_hub_sessions_box_id'))
    )
    op.create_table('sync_learners',
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('user_created_dt', sa.DateTime(), nullable=False),
    sa.Column('erased_dt', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_sync_learners'))
    )
    with op.batch_alter_table('sync_learners', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sync_learners_user_id'), ['user_id'], unique=False)

    op.create_table('sync_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('source_key', sa.String(length=400), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('recorded_dt', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_outbox')),
    sa.UniqueConstraint('event_id', name=op.f('uq_sync_outbox_event_id')),
    sa.UniqueConstraint('seq', name=op.f('uq_sync_outbox_seq')),
    sa.UniqueConstraint('source_key', name=op.f('uq_sync_outbox_source_key'))
    )
    op.create_table('sync_sent_sessions',
    sa.Column('session_key', sa.String(length=64), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('cancelled', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('session_key', name=op.f('pk_sync_sent_sessions'))
    )
    op.create_table('hub_attendance',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['learner_id'], ['hub_learners.id'], name=op.f('fk_hub_attendance_learner_id_hub_learners'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['hub_sessions.id'], name=op.f('fk_hub_attendance_session_id_hub_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('session_id', 'learner_id', name=op.f('pk_hub_attendance'))
    )
    op.create_table('hub_certificates',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('box_id', sa.String(length=32), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=True),
    sa.Column('course_id', sa.String(length=100), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('generation', sa.Integer(), nullable=False),
    sa.Column('course_version', sa.String(length=40), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=False),
    sa.Column('issued_dt', sa.DateTime(), nullable=False),
    sa.Column('organisation_name', sa.String(length=200), nullable=False),
    sa.Column('cohort_name', sa.String(length=200), nullable=True),
    sa.Column('learner_name', sa.String(length=200), nullable=True),
    sa.Column('name_digest', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['learner_id'], ['hub_learners.id'], name=op.f('fk_hub_certificates_learner_id_hub_learners'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hub_certificates'))
    )
    with op.batch_alter_table('hub_certificates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hub_certificates_code'), ['code'], unique=False)
        batch_op.create_index(batch_op.f('ix_hub_certificates_learner_id'), ['learner_id'], unique=False)

    op.create_table('hub_enrolments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.String(length=100), nullable=False),
    sa.Column('enrolled_dt', sa.DateTime(), nullable=True),
    sa.Column('started_dt', sa.DateTime(), nullable=True),
    sa.Column('completed_dt', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['learner_id'], ['hub_learners.id'], name=op.f('fk_hub_enrolments_learner_id_hub_learners'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hub_enrolments')),
    sa.UniqueConstraint('learner_id', 'course_id', name=op.f('uq_hub_enrolments_learner_id'))
    )
    op.create_table('hub_lessons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.String(length=100), nullable=False),
    sa.Column('lesson_key', sa.String(length=201), nullable=False),
    sa.Column('completed_dt', sa.DateTime(), nullable=True),
    sa.Column('minutes', sa.Double(), nullable=True),
    sa.Column('best_score', sa.Double(), nullable=True),
    sa.ForeignKeyConstraint(['learner_id'], ['hub_learners.id'], name=op.f('fk_hub_lessons_learner_id_hub_learners'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hub_lessons')),
    sa.UniqueConstraint('learner_id', 'course_id', 'lesson_key', name=op.f('uq_hub_lessons_learner_id'))
    )
    op.create_table('hub_members',
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.String(length=100), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['learner_id'], ['hub_learners.id'], name=op.f('fk_hub_members_learner_id_hub_learners'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('learner_id', 'course_id', name=op.f('pk_hub_members'))
    )
    op.create_table('hub_received',
    sa.Column('box_id', sa.String(length=32), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['box_id'], ['hub_boxes.id'], name=op.f('fk_hub_received_box_id_hub_boxes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('box_id', 'seq', name=op.f('pk_hub_received')),
    sa.UniqueConstraint('event_id', name=op.f('uq_hub_received_event_id'))
    )


def downgrade():
    op.drop_table('hub_received')
    op.drop_table('hub_members')
    op.drop_table('hub_lessons')
    op.drop_table('hub_enrolments')
    with op.batch_alter_table('hub_certificates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hub_certificates_learner_id'))
        batch_op.drop_index(batch_op.f('ix_hub_certificates_code'))

    op.drop_table('hub_certificates')
    op.drop_table('hub_attendance')
    op.drop_table('sync_sent_sessions')
    op.drop_table('sync_outbox')
    with op.batch_alter_table('sync_learners', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_learners_user_id'))

    op.drop_table('sync_learners')
    op.drop_table('hub_sessions')
    op.drop_table('hub_revocations')
    op.drop_table('hub_organisations')
    with op.batch_alter_table('hub_learners', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hub_learners_organisation_id'))

    op.drop_table('hub_learners')
    op.drop_table('hub_cohorts')
    with op.batch_alter_table('hub_bundles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hub_bundles_sha256'))
        batch_op.drop_index(batch_op.f('ix_hub_bundles_box_id'))

    op.drop_table('hub_bundles')
    op.drop_table('hub_boxes')
