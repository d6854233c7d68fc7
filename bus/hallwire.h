#pragma once

#include "engine/engine.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <optional>

// The hall's own data on the wire (docs/protocol.md, "Data shapes"): events, the engine's state
// in a snapshot, and the public part of the configuration. Terminals mirror the server by
// feeding these into their own copy of the engine, so one set of queue rules serves both sides.
namespace hall::bus::wire {

// An event's data object, as the journal stores it and the PUB socket carries it. Fields equal
// to 0 or empty are left out.
QJsonObject eventData(const engine::Event &e);
QByteArray eventDataBytes(const engine::Event &e);
// Reads an event's data back; nullopt (with the reason) when a field has the wrong type.
std::optional<engine::Event> eventFromData(engine::EventType type, qint64 at, const QJsonObject &data, QString *error = nullptr);

QJsonObject ticketJson(const engine::Ticket &t);
QJsonObject stateJson(const engine::EngineSnapshot &s);
std::optional<engine::EngineSnapshot> stateFromJson(const QJsonObject &o, QString *error);

// Everything a terminal needs to name things; clerks' PIN hashes never leave the server.
QJsonObject publicConfigJson(const engine::HallConfig &c);
std::optional<engine::HallConfig> publicConfigFromJson(const QJsonObject &o, QString *error);
// A short digest of the public configuration: heartbeats carry it so a terminal notices a
// reloaded configuration without a journal event.
QString configVersion(const engine::HallConfig &c);

} // namespace hall::bus::wire
