"""The car tables of the sandbox bureau (created beside the e-bike ones, idempotently).

Business keys live in partial UNIQUE indexes, so racing processes get exactly
one winner: one live registration per VIN, one live registration per plate
number, and one hold (reservation or confirmation) per plate number.
"""

from __future__ import annotations

CAR_SCHEMA = """
CREATE TABLE IF NOT EXISTS purchase_tax (
    vin          TEXT PRIMARY KEY,
    doc          TEXT NOT NULL,
    available_at REAL NOT NULL,
    updated_at   REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS plate_selections (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    id             TEXT NOT NULL UNIQUE,
    dealer_id      TEXT NOT NULL,
    vin            TEXT NOT NULL,
    method         TEXT NOT NULL,
    business_day   TEXT NOT NULL,
    held_number    TEXT,
    hold_state     TEXT CHECK (hold_state IN ('reserved', 'confirmed')),
    reserved_until REAL,
    created_at     REAL NOT NULL,
    doc            TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS plate_selections_one_hold_per_number
    ON plate_selections (held_number) WHERE hold_state IS NOT NULL;
CREATE INDEX IF NOT EXISTS plate_selections_draws ON plate_selections (vin, business_day);
CREATE INDEX IF NOT EXISTS plate_selections_by_dealer ON plate_selections (dealer_id, seq);
CREATE TABLE IF NOT EXISTS vehicle_registrations (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT NOT NULL UNIQUE,
    dealer_id    TEXT NOT NULL,
    store_id     TEXT NOT NULL,
    vin          TEXT NOT NULL,
    status       TEXT NOT NULL,
    plate_number TEXT,
    created_at   REAL NOT NULL,
    updated_at   REAL NOT NULL,
    due_at       REAL,
    review_round INTEGER NOT NULL DEFAULT 0,
    retakes      TEXT NOT NULL DEFAULT '[]',
    doc          TEXT NOT NULL
);
-- The durable business key: at most one live registration per VIN.
CREATE UNIQUE INDEX IF NOT EXISTS vehicle_registrations_one_live_per_vin
    ON vehicle_registrations (vin) WHERE status NOT IN ('rejected', 'cancelled');
CREATE UNIQUE INDEX IF NOT EXISTS vehicle_registrations_one_live_per_plate
    ON vehicle_registrations (plate_number) WHERE status NOT IN ('rejected', 'cancelled');
CREATE INDEX IF NOT EXISTS vehicle_registrations_by_dealer
    ON vehicle_registrations (dealer_id, seq);
CREATE INDEX IF NOT EXISTS vehicle_registrations_due
    ON vehicle_registrations (due_at) WHERE due_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS onsite_inspections (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    id         TEXT NOT NULL UNIQUE,
    dealer_id  TEXT NOT NULL,
    status     TEXT NOT NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    doc        TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS onsite_inspections_by_dealer ON onsite_inspections (dealer_id, seq);
-- Plates assigned in sequence (a fleet): the next number to try per pattern.
CREATE TABLE IF NOT EXISTS plate_sequences (
    pattern TEXT PRIMARY KEY,
    next    INTEGER NOT NULL
);
"""

#: Temporary plates (临时行驶车号牌). The business key (VIN, situation, valid_from) is UNIQUE,
#: so a retry after the idempotency window finds the plate it made instead of a new issue.
TEMPORARY_PLATE_SCHEMA = """
CREATE TABLE IF NOT EXISTS temporary_plates (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    id         TEXT NOT NULL UNIQUE,
    dealer_id  TEXT NOT NULL,
    store_id   TEXT NOT NULL,
    vin        TEXT NOT NULL,
    situation  TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    status     TEXT NOT NULL,
    serial     INTEGER UNIQUE,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    due_at     REAL,
    doc        TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS temporary_plates_business_key
    ON temporary_plates (vin, situation, valid_from);
CREATE INDEX IF NOT EXISTS temporary_plates_by_dealer ON temporary_plates (dealer_id, seq);
CREATE INDEX IF NOT EXISTS temporary_plates_due
    ON temporary_plates (due_at) WHERE due_at IS NOT NULL;
"""
