"""initial schema

Revision ID: 8ae8727e9053
Revises: 
Created: 2026-11-22 07:02:30.207208
"""

from alembic import op
import sqlalchemy as sa
import peerreview.db
from sqlalchemy.dialects import postgresql

revision = '8ae8727e9053'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    
    op.create_table('jeugdregio',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jeugdregio')),
    sa.UniqueConstraint('name', name=op.f('uq_jeugdregio_name'))
    )
    op.create_table('login_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('succeeded', sa.Boolean(), nullable=False),
    sa.Column('at', peerreview.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_attempt'))
    )
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.create_index('ix_login_attempt_address_at', ['address', 'at'], unique=False)
        batch_op.create_index('ix_login_attempt_email_at', ['email', 'at'], unique=False)

    op.create_table('outgoing_mail',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('created_at', peerreview.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', peerreview.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outgoing_mail'))
    )
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outgoing_mail_recipient'), ['recipient'], unique=False)

    op.create_table('user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('session_token', sa.String(length=64), nullable=False),
    sa.Column('totp_secret', sa.String(length=64), nullable=True),
    sa.Column('totp_last_step', sa.Integer(), nullable=True),
    sa.Column('two_factor_exempt', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', peerreview.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', peerreview.db.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user')),
    sa.UniqueConstraint('email', name=op.f('uq_user_email'))
    )
    op.create_table('gemeente',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('cbs_code', sa.String(length=6), nullable=False),
    sa.Column('province', sa.String(length=40), nullable=False),
    sa.Column('jeugdregio_id', sa.Integer(), nullable=True),
    sa.Column('inhabitants', sa.Integer(), nullable=False),
    sa.CheckConstraint("cbs_code LIKE 'GM____'", name=op.f('ck_gemeente_cbs_code_format')),
    sa.CheckConstraint('inhabitants >= 0', name=op.f('ck_gemeente_inhabitants_not_negative')),
    sa.ForeignKeyConstraint(['jeugdregio_id'], ['jeugdregio.id'], name=op.f('fk_gemeente_jeugdregio_id_jeugdregio')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gemeente')),
    sa.UniqueConstraint('cbs_code', name=op.f('uq_gemeente_cbs_code')),
    sa.UniqueConstraint('name', name=op.f('uq_gemeente_name')),
    sa.UniqueConstraint('slug', name=op.f('uq_gemeente_slug'))
    )
    with op.batch_alter_table('gemeente', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gemeente_jeugdregio_id'), ['jeugdregio_id'], unique=False)

    op.create_table('network_role',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('admin', 'round_coordinator', 'analyst', name='networkrole', native_enum=False, length=32), nullable=False),
    sa.Column('created_at', peerreview.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_network_role_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_network_role')),
    sa.UniqueConstraint('user_id', 'role', name=op.f('uq_network_role_user_id_role'))
    )
    with op.batch_alter_table('network_role', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_role_user_id'), ['user_id'], unique=False)

    op.create_table('recovery_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('used_at', peerreview.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_recovery_code_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_code'))
    )
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_code_user_id'), ['user_id'], unique=False)

    op.create_table('round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', peerreview.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('starts_on <= ends_on', name=op.f('ck_round_period_in_order')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_round_created_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_round')),
    sa.UniqueConstraint('name', name=op.f('uq_round_name'))
    )
    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', peerreview.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('action', sa.String(length=48), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('gemeente_id', sa.Integer(), nullable=True),
    sa.Column('subject', sa.String(length=254), nullable=True),
    sa.Column('object_type', sa.String(length=48), nullable=True),
    sa.Column('object_id', sa.Integer(), nullable=True),
    sa.Column('address', sa.String(length=64), nullable=True),
    sa.Column('details', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_audit_event_actor_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_audit_event_gemeente_id_gemeente'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index('ix_audit_event_at', ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_gemeente_id'), ['gemeente_id'], unique=False)

    op.create_table('invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('gemeente_id', sa.Integer(), nullable=True),
    sa.Column('membership_role', sa.Enum('coordinator', 'contributor', 'viewer', name='membershiprole', native_enum=False, length=32), nullable=True),
    sa.Column('network_role', sa.Enum('admin', 'round_coordinator', 'analyst', name='networkrole', native_enum=False, length=32), nullable=True),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', peerreview.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', peerreview.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('accepted_at', peerreview.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', peerreview.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('(gemeente_id IS NULL) = (membership_role IS NULL)', name=op.f('ck_invitation_membership_needs_gemeente')),
    sa.CheckConstraint('(network_role IS NULL) = (gemeente_id IS NOT NULL)', name=op.f('ck_invitation_one_role')),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_invitation_gemeente_id_gemeente'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invited_by_id'], ['user.id'], name=op.f('fk_invitation_invited_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitation')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_invitation_token_hash'))
    )
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitation_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_invitation_gemeente_id'), ['gemeente_id'], unique=False)

    op.create_table('membership',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('coordinator', 'contributor', 'viewer', name='membershiprole', native_enum=False, length=32), nullable=False),
    sa.Column('created_at', peerreview.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('gemeente_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_membership_gemeente_id_gemeente'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_membership_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_membership')),
    sa.UniqueConstraint('gemeente_id', 'id', name=op.f('uq_membership_gemeente_id_id')),
    sa.UniqueConstraint('user_id', 'gemeente_id', name=op.f('uq_membership_user_id_gemeente_id'))
    )
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_membership_gemeente_id'), ['gemeente_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_membership_user_id'), ['user_id'], unique=False)

    op.create_table('round_deadline',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('phase', sa.Enum('zelfevaluatie', 'review', 'visitatie', 'portret', 'reflectie', name='phase', native_enum=False, length=32), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_round_deadline_round_id_round'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_round_deadline')),
    sa.UniqueConstraint('round_id', 'phase', name=op.f('uq_round_deadline_round_id_phase'))
    )
    with op.batch_alter_table('round_deadline', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_round_deadline_round_id'), ['round_id'], unique=False)

    op.create_table('visitatie',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('zelfevaluatie', 'ingediend', 'in_review', 'visitatie', 'portret_concept', 'reflectie', 'definitief', name='visitatiestate', native_enum=False, length=32), nullable=False),
    sa.Column('variant', sa.Enum('basis', 'plus', name='variant', native_enum=False, length=32), nullable=True),
    sa.Column('created_at', peerreview.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('gemeente_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_visitatie_gemeente_id_gemeente'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_visitatie_round_id_round'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visitatie')),
    sa.UniqueConstraint('gemeente_id', 'id', name=op.f('uq_visitatie_gemeente_id_id')),
    sa.UniqueConstraint('round_id', 'gemeente_id', name=op.f('uq_visitatie_round_id_gemeente_id'))
    )
    with op.batch_alter_table('visitatie', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visitatie_gemeente_id'), ['gemeente_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visitatie_round_id'), ['round_id'], unique=False)

    


def downgrade() -> None:
    
    with op.batch_alter_table('visitatie', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visitatie_round_id'))
        batch_op.drop_index(batch_op.f('ix_visitatie_gemeente_id'))

    op.drop_table('visitatie')
    with op.batch_alter_table('round_deadline', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_round_deadline_round_id'))

    op.drop_table('round_deadline')
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_membership_user_id'))
        batch_op.drop_index(batch_op.f('ix_membership_gemeente_id'))

    op.drop_table('membership')
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitation_gemeente_id'))
        batch_op.drop_index(batch_op.f('ix_invitation_email'))

    op.drop_table('invitation')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_gemeente_id'))
        batch_op.drop_index('ix_audit_event_at')
        batch_op.drop_index(batch_op.f('ix_audit_event_actor_id'))
        batch_op.drop_index(batch_op.f('ix_audit_event_action'))

    op.drop_table('audit_event')
    op.drop_table('round')
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_code_user_id'))

    op.drop_table('recovery_code')
    with op.batch_alter_table('network_role', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_network_role_user_id'))

    op.drop_table('network_role')
    with op.batch_alter_table('gemeente', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_gemeente_jeugdregio_id'))

    op.drop_table('gemeente')
    op.drop_table('user')
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outgoing_mail_recipient'))

    op.drop_table('outgoing_mail')
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.drop_index('ix_login_attempt_email_at')
        batch_op.drop_index('ix_login_attempt_address_at')

    op.drop_table('login_attempt')
    op.drop_table('jeugdregio')
    
