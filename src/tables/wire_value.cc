#include "kalam/tables/wire_value.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <limits>
#include <string_view>
#include <type_traits>

#include "duckdb/common/types/date.hpp"
#include "duckdb/common/types/datetime.hpp"
#include "duckdb/common/types/decimal.hpp"
#include "duckdb/common/types/timestamp.hpp"
#include "duckdb/common/types/uuid.hpp"
#include "kalam/commons/json_writer.h"

namespace kalam::tables {
namespace {

using duckdb::idx_t;
using uint128 = unsigned __int128;
using int128 = __int128;

// ---- Writers: one per encoding, from the value's physical representation ------------------
// Each takes the column's decimal scale, which only the decimal writers read.

// Decimal digits of `value`, written backwards ending at `end`; returns the first digit.
inline char* WriteUint128Backwards(uint128 value, char* end) {
  constexpr uint64_t kChunk = 10000000000000000000ULL;  // 10^19, the largest power of 10 in uint64
  char* p = end;
  while (value > std::numeric_limits<uint64_t>::max()) {
    uint64_t low = static_cast<uint64_t>(value % kChunk);
    value /= kChunk;
    for (int i = 0; i < 19; ++i) {
      *--p = static_cast<char>('0' + low % 10);
      low /= 10;
    }
  }
  uint64_t rest = static_cast<uint64_t>(value);
  do {
    *--p = static_cast<char>('0' + rest % 10);
    rest /= 10;
  } while (rest != 0);
  return p;
}

inline int128 ToInt128(duckdb::hugeint_t value) {
  return static_cast<int128>((static_cast<uint128>(static_cast<uint64_t>(value.upper)) << 64) | value.lower);
}

inline uint128 Magnitude(int128 value) {
  return value < 0 ? uint128(0) - static_cast<uint128>(value) : static_cast<uint128>(value);
}

// `value` as a quoted decimal integer ("123", "-170141183460469231731687303715884105728").
inline void AppendQuoted128(bool negative, uint128 magnitude, std::string* out) {
  char buf[48];
  char* end = buf + sizeof(buf);
  *--end = '"';
  char* p = WriteUint128Backwards(magnitude, end);
  if (negative) *--p = '-';
  *--p = '"';
  out->append(p, buf + sizeof(buf));
}

// An unscaled decimal as a quoted string with `scale` fractional digits: "200.75", "-0.05", "7".
inline void AppendQuotedDecimal(int128 unscaled, uint8_t scale, std::string* out) {
  char digits[48];
  char* end = digits + sizeof(digits);
  char* first = WriteUint128Backwards(Magnitude(unscaled), end);
  const size_t length = end - first;
  char buf[3 + 256 + 48];  // quotes, sign, "0.", up to 255 zeros of scale, 39 digits
  char* p = buf;
  *p++ = '"';
  if (unscaled < 0) *p++ = '-';
  if (scale == 0) {
    p = std::copy(first, end, p);
  } else if (length <= scale) {
    *p++ = '0';
    *p++ = '.';
    for (size_t i = length; i < scale; ++i) *p++ = '0';
    p = std::copy(first, end, p);
  } else {
    p = std::copy(first, end - scale, p);
    *p++ = '.';
    p = std::copy(end - scale, end, p);
  }
  *p++ = '"';
  out->append(buf, p);
}

void WriteBool(const bool& v, uint8_t, std::string* out) { AppendJsonBool(v, out); }

// Integers that fit 32-bit signed: JSON numbers.
template <typename T>
void WriteNumber(const T& v, uint8_t, std::string* out) {
  char buf[16];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, end);
}

// Wider integers: strings, so that JavaScript clients keep every digit.
template <typename T>
void WriteQuoted(const T& v, uint8_t, std::string* out) {
  if constexpr (std::is_signed_v<T>) {
    AppendJsonQuotedInt(v, out);
  } else {
    AppendJsonQuotedUint(v, out);
  }
}

void WriteHugeint(const duckdb::hugeint_t& v, uint8_t, std::string* out) {
  const int128 value = ToInt128(v);
  AppendQuoted128(value < 0, Magnitude(value), out);
}

void WriteUhugeint(const duckdb::uhugeint_t& v, uint8_t, std::string* out) {
  AppendQuoted128(false, (static_cast<uint128>(v.upper) << 64) | v.lower, out);
}

void WriteFloat(const float& v, uint8_t, std::string* out) { AppendJsonFloat(v, out); }
void WriteDouble(const double& v, uint8_t, std::string* out) { AppendJsonDouble(v, out); }

template <typename T>
void WriteDecimal(const T& v, uint8_t scale, std::string* out) {
  if constexpr (std::is_same_v<T, duckdb::hugeint_t>) {
    AppendQuotedDecimal(ToInt128(v), scale, out);
  } else {
    AppendQuotedDecimal(v, scale, out);
  }
}

void WriteString(const duckdb::string_t& v, uint8_t, std::string* out) {
  AppendJsonString(std::string_view(v.GetData(), v.GetSize()), out);
}

void WriteBlob(const duckdb::string_t& v, uint8_t, std::string* out) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(v.GetData());
  const size_t size = v.GetSize();
  out->reserve(out->size() + 2 + size * 4);
  out->push_back('[');
  for (size_t i = 0; i < size; ++i) {
    if (i) out->push_back(',');
    const unsigned char b = bytes[i];
    if (b >= 100) out->push_back(static_cast<char>('0' + b / 100));
    if (b >= 10) out->push_back(static_cast<char>('0' + b / 10 % 10));
    out->push_back(static_cast<char>('0' + b % 10));
  }
  out->push_back(']');
}

// TIMESTAMP and TIMESTAMP WITH TIME ZONE hold µs since the epoch (UTC) already.
void WriteMicros(const int64_t& v, uint8_t, std::string* out) { AppendJsonInt(v, out); }

// TIMESTAMP_S / TIMESTAMP_MS: scaled up to µs; ±infinity (and anything that would overflow)
// saturates to the µs infinities.
template <int64_t kMicrosPerUnit>
void WriteScaledTimestamp(const int64_t& value, uint8_t, std::string* out) {
  int64_t micros;
  if (__builtin_mul_overflow(value, kMicrosPerUnit, &micros) || value == duckdb::timestamp_t::infinity().value ||
      value == duckdb::timestamp_t::ninfinity().value) {
    micros = value < 0 ? duckdb::timestamp_t::ninfinity().value : duckdb::timestamp_t::infinity().value;
  }
  AppendJsonInt(micros, out);
}

// TIMESTAMP_NS: floored to µs (so that a value before the epoch stays before it).
void WriteNanosTimestamp(const int64_t& value, uint8_t, std::string* out) {
  int64_t micros = value / 1000;
  if (value % 1000 < 0) --micros;
  if (value == duckdb::timestamp_t::infinity().value || value == duckdb::timestamp_t::ninfinity().value) {
    micros = value;
  }
  AppendJsonInt(micros, out);
}

void WriteDate(const duckdb::date_t& v, uint8_t, std::string* out) { AppendJsonInt(v.days, out); }
void WriteTime(const duckdb::dtime_t& v, uint8_t, std::string* out) { AppendJsonInt(v.micros, out); }

// TIME WITH TIME ZONE: the local time of day, offset dropped (the schema says `Time`).
void WriteTimeTz(const duckdb::dtime_tz_t& v, uint8_t, std::string* out) { AppendJsonInt(v.time().micros, out); }

void WriteUuid(const duckdb::hugeint_t& v, uint8_t, std::string* out) {
  char buf[duckdb::BaseUUID::STRING_SIZE + 2];
  buf[0] = '"';
  duckdb::BaseUUID::ToString(v, buf + 1);
  buf[sizeof(buf) - 1] = '"';
  out->append(buf, sizeof(buf));
}

// ---- The two entry points over the same writers ---------------------------------------------

using ValueWriter = void (*)(const duckdb::Value& value, uint8_t scale, std::string* out);

template <typename T, void (*Write)(const T&, uint8_t, std::string*)>
void CellOf(const WireColumnEncoder& column, idx_t index, idx_t, std::string* out) {
  Write(duckdb::UnifiedVectorFormat::GetData<T>(column.format())[index], column.decimal_scale(), out);
}

template <typename T, void (*Write)(const T&, uint8_t, std::string*)>
void ValueOf(const duckdb::Value& value, uint8_t scale, std::string* out) {
  Write(value.GetValueUnsafe<T>(), scale, out);
}

// Intervals, lists, structs, maps, enums and anything else: DuckDB's canonical text. Rare in
// results, so a Value per cell is acceptable here.
void CellAsText(const WireColumnEncoder& column, idx_t, idx_t row, std::string* out) {
  AppendJsonString(column.vector().GetValue(row).ToString(), out);
}
void ValueAsText(const duckdb::Value& value, uint8_t, std::string* out) { AppendJsonString(value.ToString(), out); }

struct Writers {
  WireColumnEncoder::CellWriter cell;
  ValueWriter value;
};

template <typename T, void (*Write)(const T&, uint8_t, std::string*)>
constexpr Writers Of() {
  return {CellOf<T, Write>, ValueOf<T, Write>};
}

constexpr Writers kAsText{CellAsText, ValueAsText};

// Mirrors tables::FromLogicalType, which gives the schema tag, so each value has the JSON form
// its `data_type` promises.
Writers WritersFor(const duckdb::LogicalType& type) {
  using duckdb::LogicalTypeId;
  using duckdb::PhysicalType;
  switch (type.id()) {
    case LogicalTypeId::BOOLEAN: return Of<bool, WriteBool>();
    case LogicalTypeId::TINYINT: return Of<int8_t, WriteNumber<int8_t>>();
    case LogicalTypeId::SMALLINT: return Of<int16_t, WriteNumber<int16_t>>();
    case LogicalTypeId::INTEGER: return Of<int32_t, WriteNumber<int32_t>>();
    case LogicalTypeId::UTINYINT: return Of<uint8_t, WriteNumber<uint8_t>>();
    case LogicalTypeId::USMALLINT: return Of<uint16_t, WriteNumber<uint16_t>>();
    case LogicalTypeId::BIGINT: return Of<int64_t, WriteQuoted<int64_t>>();
    case LogicalTypeId::UINTEGER: return Of<uint32_t, WriteQuoted<uint32_t>>();
    case LogicalTypeId::UBIGINT: return Of<uint64_t, WriteQuoted<uint64_t>>();
    case LogicalTypeId::HUGEINT: return Of<duckdb::hugeint_t, WriteHugeint>();
    case LogicalTypeId::UHUGEINT: return Of<duckdb::uhugeint_t, WriteUhugeint>();
    case LogicalTypeId::FLOAT: return Of<float, WriteFloat>();
    case LogicalTypeId::DOUBLE: return Of<double, WriteDouble>();
    case LogicalTypeId::DECIMAL:
      switch (type.InternalType()) {
        case PhysicalType::INT16: return Of<int16_t, WriteDecimal<int16_t>>();
        case PhysicalType::INT32: return Of<int32_t, WriteDecimal<int32_t>>();
        case PhysicalType::INT64: return Of<int64_t, WriteDecimal<int64_t>>();
        case PhysicalType::INT128: return Of<duckdb::hugeint_t, WriteDecimal<duckdb::hugeint_t>>();
        default: return kAsText;
      }
    case LogicalTypeId::VARCHAR: return Of<duckdb::string_t, WriteString>();  // JSON is VARCHAR with an alias
    case LogicalTypeId::BLOB: return Of<duckdb::string_t, WriteBlob>();
    case LogicalTypeId::TIMESTAMP:
    case LogicalTypeId::TIMESTAMP_TZ: return Of<int64_t, WriteMicros>();
    case LogicalTypeId::TIMESTAMP_SEC: return Of<int64_t, WriteScaledTimestamp<1000000>>();
    case LogicalTypeId::TIMESTAMP_MS: return Of<int64_t, WriteScaledTimestamp<1000>>();
    case LogicalTypeId::TIMESTAMP_NS: return Of<int64_t, WriteNanosTimestamp>();
    case LogicalTypeId::DATE: return Of<duckdb::date_t, WriteDate>();
    case LogicalTypeId::TIME: return Of<duckdb::dtime_t, WriteTime>();
    case LogicalTypeId::TIME_TZ: return Of<duckdb::dtime_tz_t, WriteTimeTz>();
    case LogicalTypeId::UUID: return Of<duckdb::hugeint_t, WriteUuid>();
    default: return kAsText;
  }
}

uint8_t DecimalScale(const duckdb::LogicalType& type) {
  return type.id() == duckdb::LogicalTypeId::DECIMAL ? duckdb::DecimalType::GetScale(type) : 0;
}

}  // namespace

WireColumnEncoder::WireColumnEncoder(const duckdb::LogicalType& type)
    : write_(WritersFor(type).cell), decimal_scale_(DecimalScale(type)) {}

void WireColumnEncoder::MaskValues() {
  write_ = [](const WireColumnEncoder&, idx_t, idx_t, std::string* out) { out->append(kSecretMask); };
}

void AppendWireValue(const duckdb::Value& value, std::string* out) {
  if (value.IsNull()) return AppendJsonNull(out);
  const duckdb::LogicalType& type = value.type();
  WritersFor(type).value(value, DecimalScale(type), out);
}

bool IsSecretColumn(std::string_view name) {
  auto equals = [&](std::string_view target) {
    if (name.size() != target.size()) return false;
    for (size_t i = 0; i < name.size(); ++i) {
      char c = name[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != target[i]) return false;
    }
    return true;
  };
  return equals("password_hash") || equals("credentials");
}

}  // namespace kalam::tables
