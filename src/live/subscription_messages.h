#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "kalam/tables/change_sink.h"
#include "subscription.h"

namespace kalam::live {

// How one subscription's messages are spelled (docs/live-queries.md): the ack, row objects and
// change messages, from its projection and schema. The live-query manager decides what to send
// and when.

// The options of an ack, as JSON (`{"batch_size":..,"last_rows":..,"from":".."}`).
std::string OptionsJson(const SubscriptionOptions& options);

// `{"col":value,...,"_seq":"N"[,"_deleted":b]}` for one version, in projection order.
void AppendRowObject(const Subscription& sub, const std::vector<duckdb::Value>& values, SeqId seq, const bool* deleted,
                     std::string* out);

std::string EncodeAck(const Subscription& sub, bool options_given);

// One page of initial data: `rows` (encoded row objects), the page's number, whether more
// follow, and `last_seq`, the last row's `_seq` (the snapshot's once no more follow).
std::string EncodeInitialDataBatch(const Subscription& sub, std::span<const std::string> rows, int batch_num,
                                   bool has_more, SeqId last_seq);

// What a committed change means for one subscription (docs/live-queries.md).
enum class Delivery : uint8_t { kNone, kInsert, kUpdate, kDelete };

Delivery Classify(const Subscription& sub, const tables::CommittedChange& change);

// Encoded row objects of one change, shared by the subscriptions with the same projection.
struct RowCache {
  const std::vector<int>* projection = nullptr;
  std::string new_row;
  std::string old_row;
};

std::string EncodeChange(const Subscription& sub, Delivery delivery, SeqId seq, const std::string& new_row,
                         const std::string& old_row);

}  // namespace kalam::live
