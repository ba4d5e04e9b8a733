"""organisations and learner profiles

Programmes: the enterprises a box serves (organisations), the organisation
of each cohort, and the optional profile a learner gives for the reports
(organisation, gender, job role, age band). A learner's profile goes with
their account (ON DELETE CASCADE); deleting an organisation leaves its
learners and cohorts without one (SET NULL). Indexes for the impact report's
period filter and its joins.

Revision ID: 5c1e0a7b9d21
Revises: 5e7b1c2d9a40
Create Date: 2026-12-02 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c1e0a7b9d21'
down_revision = '5e7b1c2d9a40'
branch_labels = None
depends_on = None

SECTORS = "sector IS NULL OR sector IN ('apparel', 'electronics', 'automotive', 'cycling', 'minerals', 'batteries', 'chemicals', 'other')"
GENDERS = "gender IS NULL OR gender IN ('woman', 'man', 'another', 'prefer-not-to-say')"
JOB_ROLES = "job_role IS NULL OR job_role IN ('worker', 'supervisor', 'manager', 'staff')"
AGE_BANDS = "age_band IS NULL OR age_band IN ('under-20', '20-29', '30-39', '40-49', '50-plus')"


def upgrade():
    op.create_table('organisations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_key', sa.String(length=200), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('sector', sa.String(length=32), nullable=True),
    sa.Column('parent', sa.String(length=200), nullable=True),
    sa.Column('created_dt', sa.DateTime(), nullable=False),
    sa.CheckConstraint(SECTORS, name=op.f('ck_organisations_sector')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations')),
    sa.UniqueConstraint('name_key', name=op.f('uq_organisations_name_key'))
    )
    op.create_table('learner_profiles',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('gender', sa.String(length=24), nullable=True),
    sa.Column('job_role', sa.String(length=24), nullable=True),
    sa.Column('age_band', sa.String(length=24), nullable=True),
    sa.Column('updated_dt', sa.DateTime(), nullable=False),
    sa.CheckConstraint(GENDERS, name=op.f('ck_learner_profiles_gender')),
    sa.CheckConstraint(JOB_ROLES, name=op.f('ck_learner_profiles_job_role')),
    sa.CheckConstraint(AGE_BANDS, name=op.f('ck_learner_profiles_age_band')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_learner_profiles_organisation_id_organisations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_learner_profiles_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_learner_profiles'))
    )
    with op.batch_alter_table('learner_profiles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learner_profiles_organisation_id'), ['organisation_id'], unique=False)

    with op.batch_alter_table('cohorts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organisation_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_cohorts_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_cohorts_organisation_id_organisations'), 'organisations', ['organisation_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('cohorts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_cohorts_organisation_id_organisations'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_cohorts_organisation_id'))
        batch_op.drop_column('organisation_id')

    with op.batch_alter_table('learner_profiles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_learner_profiles_organisation_id'))

    op.drop_table('learner_profiles')
    op.drop_table('organisations')
