"""login sessions and who made an account

Server-side sessions (login_sessions): the session cookie carries a row's
id, and signing out or a new password ends the row. They replace
users.login_version, which is dropped. users.created_by_id records the tutor
or admin who made an account, so that the tutor may go on managing it.

On SQLite the users table is altered in place (ADD COLUMN, DROP COLUMN,
SQLite >= 3.35), never rebuilt by batch mode: dropping and re-creating
users with foreign keys on would cascade the delete into every table that
points at it. For the same reason created_by_id is a plain indexed column,
not a foreign key (SQLite cannot add a named one in place);
auth.services.delete_user clears it when the maker's account goes.

Revision ID: b8c284110c18
Revises: 89403b5c9ce0
Create Date: 2026-12-01 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b8c284110c18'
down_revision = '89403b5c9ce0'
branch_labels = None
depends_on = None


def _sqlite() -> bool:
    return op.get_bind().dialect.name == 'sqlite'


def upgrade():
    op.create_table('login_sessions',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_dt', sa.DateTime(), nullable=False),
    sa.Column('last_seen_dt', sa.DateTime(), nullable=False),
    sa.Column('ended_dt', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_login_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_sessions'))
    )
    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_sessions_user_id'), ['user_id'], unique=False)

    op.add_column('users', sa.Column('created_by_id', sa.Integer(), nullable=True))
    if _sqlite():
        op.execute('ALTER TABLE users DROP COLUMN login_version')
    else:
        op.drop_column('users', 'login_version')
    op.create_index(op.f('ix_users_created_by_id'), 'users', ['created_by_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_users_created_by_id'), table_name='users')
    if _sqlite():
        op.execute('ALTER TABLE users DROP COLUMN created_by_id')
        op.execute('ALTER TABLE users ADD COLUMN login_version INTEGER NOT NULL DEFAULT 1')
    else:
        op.drop_column('users', 'created_by_id')
        op.add_column('users', sa.Column('login_version', sa.Integer(), nullable=False, server_default='1'))
    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_sessions_user_id'))
    op.drop_table('login_sessions')
