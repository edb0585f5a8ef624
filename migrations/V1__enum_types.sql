-- V1: the nine enum types of seed 001, with exactly its labels and their case.
--
-- Why: every status/role/source column of the core tables is one of these
-- types, so they must exist before any table. The labels are mixed case on
-- purpose (seed 001: user/lead enums are UPPER, communication/campaign/
-- integration enums are lower); the column defaults in later files are written
-- to match (seed 001's 'COMPLETED' and 'DRAFT' defaults would not even parse
-- against these labels, see V4 and V5).
-- Adding a label later is ALTER TYPE ... ADD VALUE in a migration of its own.

-- users.role
CREATE TYPE user_role_enum AS ENUM ('ADMIN', 'MANAGER', 'SALES_REP', 'VIEWER');

-- leads.status, leads.source, leads.lead_temperature
CREATE TYPE lead_status_enum AS ENUM (
    'NEW', 'CONTACTED', 'QUALIFIED', 'PROPOSAL', 'NEGOTIATION', 'CLOSED_WON', 'CLOSED_LOST'
);
CREATE TYPE lead_source_enum AS ENUM (
    'WEBSITE', 'EMAIL', 'SOCIAL_MEDIA', 'REFERRAL', 'ADVERTISING', 'COLD_OUTREACH', 'EVENT', 'OTHER'
);
CREATE TYPE lead_temperature_enum AS ENUM ('hot', 'warm', 'cold');

-- communications.communication_type, .direction, .status
CREATE TYPE communication_type_enum AS ENUM ('email', 'call', 'meeting', 'linkedin', 'sms');
CREATE TYPE communication_direction_enum AS ENUM ('inbound', 'outbound');
CREATE TYPE communication_status_enum AS ENUM ('scheduled', 'completed', 'failed', 'cancelled');

-- campaigns.status, integrations.status
CREATE TYPE campaign_status_enum AS ENUM ('draft', 'active', 'paused', 'completed', 'cancelled');
CREATE TYPE integration_status_enum AS ENUM ('active', 'inactive', 'error', 'expired');
