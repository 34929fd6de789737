// SPDX-License-Identifier: Apache-2.0
// spark.traced_synapses, spark.rd_traced_synapses and spark.rfs_traced_synapses (upstream's
// TracedSynapses, RDTracedSynapses, RFSTracedSynapses, docs/models.md sections 5.2-5.4)
// loaded from the built spark.neurons plugin through the registry: scenario S3b per step in
// float64 and float32, the per-postsynaptic filter against upstream's per-synapse traces with many
// presynaptic neurons, non-zero bases and dt 0.5 ms, per-synapse (async) spikes, the schema,
// reset and a state round trip. Expected values: tests/plugins/reference/golden_neurons.py
// (traced_synapses, written per synapse from docs/models.md sections 5.2-5.4).
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/abi/spark_abi.h>
#include <spark/registry/plugin_registry.hpp>

#include "config_helpers.hpp"
#include "models_fixture.hpp"

using spark::test::port;
using spark::test::running_module;
using spark::test::str;

namespace {

// S3b (docs/models.md section 13): kernel W[post][pre] = [[0.5, 0.25, 1.0], [0.0, 2.0, 0.75]],
// presynaptic neuron 2 inhibitory, spikes per step below, upstream's default parameters.
const std::uint8_t s3b_spikes[6][3] = {
    {1, 0, 1}, {0, 1, 0}, {0, 0, 0}, {1, 1, 1}, {0, 0, 0}, {0, 0, 0}};
const std::uint8_t s3b_inhibitory[3] = {0, 0, 1};
const double s3b_linear[6][2] = {
    {-0.5, -0.75}, {0.25, 2.0}, {0.0, 0.0}, {-0.25, 1.25}, {0.0, 0.0}, {0.0, 0.0}};

// golden_neurons.py, traced_synapses(R, kind, S3B_W, S3B_SIGN, S3B_SEQ, SYN_DEFAULTS[kind]) with
// R = r64 (f64) and R = r32 (every operation rounded to binary32 in upstream's order, f32). The
// f64 values agree with upstream's golden S3b numbers (docs/models.md section 13) to their 6
// printed decimals.
const double s3b_traced_f64[6][2] = {{-0.5, -0.75},
                                     {-0.15936537653899097, 1.3859519351915135},
                                     {-0.13047733474832413, 1.1347214716292342},
                                     {-0.3568258065381036, 2.1790313650007587},
                                     {-0.2921442613045997, 1.7840399904476136},
                                     {-0.23918749106532566, 1.4606484049004103}};
const double s3b_rd_f64[6][2] = {{0.0, 0.0},
                                 {-0.25876827058288987, -0.3881524058743348},
                                 {-0.1604169110816684, 0.6003715127718894},
                                 {-0.11584343363681027, 0.768088250257403},
                                 {-0.2195617654138623, 1.359072090949541},
                                 {-0.2173260634168943, 1.3326505333231045}};
const double s3b_rfs_f64[6][2] = {{0.0, 0.0},
                                  {-0.2689749897796796, -0.4034624846695194},
                                  {-0.1804294150360406, 0.6035245942298977},
                                  {-0.14062439433217933, 0.8125433657608423},
                                  {-0.2525066451429536, 1.4641780092786663},
                                  {-0.2599625102575581, 1.5014830602999634}};
const double s3b_traced_f32[6][2] = {{-0.5, -0.75},
                                     {-0.15936535596847534, 1.3859519958496094},
                                     {-0.13047736883163452, 1.1347215175628662},
                                     {-0.3568258285522461, 2.1790313720703125},
                                     {-0.2921442985534668, 1.7840399742126465},
                                     {-0.23918747901916504, 1.460648536682129}};
const double s3b_rd_f32[6][2] = {{0.0, 0.0},
                                 {-0.2587682902812958, -0.38815242052078247},
                                 {-0.16041690111160278, 0.6003715991973877},
                                 {-0.11584344506263733, 0.7680883407592773},
                                 {-0.21956181526184082, 1.3590720891952515},
                                 {-0.2173261046409607, 1.3326506614685059}};
const double s3b_rfs_f32[6][2] = {{0.0, 0.0},
                                  {-0.26897501945495605, -0.4034624695777893},
                                  {-0.1804293990135193, 0.6035247445106506},
                                  {-0.14062440395355225, 0.8125433921813965},
                                  {-0.25250667333602905, 1.4641780853271484},
                                  {-0.2599625587463379, 1.5014832019805908}};
const double many_linear[12][3] = {{0.5, 4.25, 1.0},
                                   {1.75, -0.75, -2.375},
                                   {-2.0, -0.5, -0.375},
                                   {0.25, 3.0, -1.75},
                                   {0.0, 0.0, 0.0},
                                   {1.5, 0.0, 0.125},
                                   {-1.5, 0.75, -0.375},
                                   {0.0, 0.0, 0.0},
                                   {0.25, 2.25, -1.5},
                                   {0.0, 0.0, 0.0},
                                   {0.0, 0.0, 0.0},
                                   {0.75, 0.5, -2.5}};
const double many_traced[12][3] = {{1.3499999999999999, 3.9749999999999996, 1.7},
                                   {2.5212686037117154, 2.993283131549577, -0.06996279257657018},
                                   {0.8877260716918285, 2.337277743389451, -0.16820395022899354},
                                   {1.0799621715054544, 4.23198117088213, -1.2138632948138672},
                                   {1.0676865168619363, 3.735812996342292, -0.8739948204660606},
                                   {2.107295399545129, 3.3158157041219827, -0.49880236806418793},
                                   {0.8873053197704026, 3.4852956717539483, -0.5312088137891108},
                                   {0.9046060126932538, 3.1037573670894596, -0.2961402778639177},
                                   {1.094250733080392, 4.355792164845222, -1.1471590581064486},
                                   {1.0797815231100951, 3.8406167400725923, -0.8175309031204532},
                                   {1.0675336012966334, 3.404530157889801, -0.5385066939153971},
                                   {1.5821659593136495, 3.3853908356020597, -2.052317800021261}};
const double many_rd[12][3] = {{-2.3, -4.55, -2.6},
                               {-3.1759758434439167, -2.620794669273297, -0.8269516868878343},
                               {-1.2452379172798853, -1.5477771892566095, -1.185259674093742},
                               {-1.5818663713423629, -2.9929899517413823, -0.6762686412455697},
                               {-1.632360214972738, -1.7181260049332874, -1.661633884627189},
                               {-2.573042131065283, -0.8465091190034569, -2.419366883763945},
                               {-1.1842464330513507, -0.7162126169504515, -2.6144963075244343},
                               {-1.3690049634988033, -0.08453721837046868, -3.020114170826128},
                               {-1.6562478703475771, -1.0315400385154812, -2.3823033243033573},
                               {-1.6715900700126896, -0.009155212897050014, -3.063724583366998},
                               {-1.6874747376039467, 0.6611466116234642, -3.5147613228969843},
                               {-2.1534739435651082, 0.7785660630902741, -2.300123129994842}};
const double many_rfs[12][3] = {{-0.4949999999999999, -1.2074999999999991, -0.5899999999999999},
                                {-0.45835685620581257, 2.072716722250589, 0.5995362875883743},
                                {1.3313860802505673, 2.614808438561477, -0.8471597790805625},
                                {0.25017322656875973, 1.7605375157016008, -1.2892654087628501},
                                {0.07255717484623592, 3.820943017019439, -2.8134773694231736},
                                {-0.28130167796459205, 4.42218851392389, -3.2947920897823715},
                                {1.0808005610627687, 4.379932815288308, -3.2216926175575327},
                                {0.31016860124995205, 4.8665842565078306, -3.436242466779354},
                                {-0.00948070442033444, 4.497284477071269, -3.160511968809025},
                                {0.07704807651897472, 6.074718542654375, -4.210182902540464},
                                {0.09883259955353108, 6.478260587490265, -4.486456714132112},
                                {-0.04398277135584028, 6.386860457638492, -4.023910102064205}};

// Many presynaptic neurons (golden_neurons.py MANY_*): 5 pre (1 and 4 inhibitory) -> 3 post,
// dt 0.5 ms, non-default parameters with non-zero bases (so the rest value n_pre * base matters).
const std::uint8_t many_spikes[12][5] = {{1, 0, 0, 1, 0},
                                         {0, 1, 1, 0, 0},
                                         {0, 0, 0, 0, 1},
                                         {1, 1, 1, 1, 1},
                                         {0, 0, 0, 0, 0},
                                         {0, 0, 1, 0, 0},
                                         {1, 0, 0, 0, 1},
                                         {0, 0, 0, 0, 0},
                                         {0, 1, 0, 1, 0},
                                         {0, 0, 0, 0, 0},
                                         {0, 0, 0, 0, 0},
                                         {1, 1, 0, 0, 0}};
const std::uint8_t many_inhibitory[5] = {0, 1, 0, 0, 1};
constexpr const char* many_kernel =
    R"("kernel": {"__class_ref__": "fixed_values_initializer",
                  "values": [0.5, -0.25, 1.5, 0.0, 2.0,
                             1.25, 0.75, 0.0, 3.0, 0.5,
                             0.0, 2.5, 0.125, 1.0, 0.375]})";
constexpr const char* many_traced_params = R"("tau": 3.0, "scale": 0.7, "base": 0.2)";
constexpr const char* many_rd_params =
    R"("tau_rise": 2.0, "scale_rise": 1.5, "base_rise": 0.1,
       "tau_decay": 8.0, "scale_decay": 0.9, "base_decay": -0.3)";
constexpr const char* many_rfs_params =
    R"("alpha": 0.3, "tau_rise": 0.5, "scale_rise": 1.2, "base_rise": 0.05,
       "tau_fast_decay": 4.0, "scale_fast_decay": 0.8, "base_fast_decay": 0.25,
       "tau_slow_decay": 30.0, "scale_slow_decay": 1.1, "base_slow_decay": -0.15)";

std::string s3b_config(const char* dtype, bool async = false) {
    return std::string(R"({"units": [2], "dtype": ")") + dtype + R"(", "async_spikes": )" +
           (async ? "true" : "false") +
           R"(, "kernel": {"__class_ref__": "fixed_values_initializer",
                           "values": [0.5, 0.25, 1.0, 0.0, 2.0, 0.75]}})";
}

std::string many_config(const char* params) {
    std::string c = R"({"units": [3], "dtype": "float64", "dt": 0.5, )";
    c += many_kernel;
    if (params[0] != '\0') {
        c += ", ";
        c += params;
    }
    return c + "}";
}

/// |got - expected| <= tolerance for each postsynaptic neuron, named by step and neuron.
template <typename T, std::size_t N>
void check_currents(const T* got, const double (&expected)[N], double tolerance, std::size_t k) {
    for (std::size_t o = 0; o < N; ++o) {
        BOOST_TEST_CONTEXT("step " << k << ", post " << o) {
            const double g = static_cast<double>(got[o]);
            BOOST_TEST(std::abs(g - expected[o]) <= tolerance,
                       "got " << g << ", expected " << expected[o] << " (difference "
                              << g - expected[o] << ", tolerance " << tolerance << ")");
        }
    }
}

struct s3b_synapses : running_module {
    s3b_synapses(spark::test::models_fixture& f, const char* type, const char* dtype)
        : running_module(
              f, type, s3b_config(dtype), {port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {3})}, 1) {}
    void step_s3b(std::uint64_t k) {
        for (std::size_t i = 0; i < 3; ++i) {
            in<std::uint8_t>(0)[i] =
                static_cast<std::uint8_t>(s3b_spikes[k][i] | (s3b_inhibitory[i] << 1U));
        }
        step(k);
    }
};

template <typename T>
void run_s3b(spark::test::models_fixture& f,
             const char* type,
             const char* dtype,
             const double (&expected)[6][2],
             double tolerance) {
    s3b_synapses m(f, type, dtype);
    BOOST_TEST(m.out_specs[0].payload_kind == SPARK_PAYLOAD_FLOAT);
    BOOST_TEST(m.out_specs[0].dtype == (sizeof(T) == 8 ? SPARK_DTYPE_F64 : SPARK_DTYPE_F32));
    BOOST_TEST_REQUIRE(m.out_specs[0].shape.rank == 1U);
    BOOST_TEST(m.out_specs[0].shape.dims[0] == 2U);
    for (std::uint64_t k = 0; k < 6; ++k) {
        m.step_s3b(k);
        check_currents(m.out<T>(0).data(), expected[k], tolerance, k);
    }
}

struct many_synapses : running_module {
    many_synapses(spark::test::models_fixture& f, const char* type, const char* params)
        : running_module(
              f, type, many_config(params), {port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {5})}, 1) {}
    void step_many(std::uint64_t k) {
        for (std::size_t i = 0; i < 5; ++i) {
            in<std::uint8_t>(0)[i] =
                static_cast<std::uint8_t>(many_spikes[k][i] | (many_inhibitory[i] << 1U));
        }
        step(k);
    }
};

void run_many(spark::test::models_fixture& f,
              const char* type,
              const char* params,
              const double (&expected)[12][3]) {
    many_synapses m(f, type, params);
    for (std::uint64_t k = 0; k < 12; ++k) {
        m.step_many(k);
        check_currents(m.out<double>(0).data(), expected[k], 1e-12, k);
    }
}

// float64: the per-postsynaptic sum is exact algebra, so only rounding separates it from the
// per-synapse reference: 1e-12 on currents of a few pA.
constexpr double f64_tolerance = 1e-12;
// float32: the same filter summed in another order than upstream's per-synapse traces; every
// trace here stays below 4 pA, where one ulp is 2^-22: four of them.
const double f32_tolerance = 4.0 * std::ldexp(1.0, -22);

} // namespace

BOOST_FIXTURE_TEST_SUITE(traced_synapses, spark::test::models_fixture)

BOOST_AUTO_TEST_CASE(schemas_have_upstreams_fields_and_defaults) {
    struct field {
        const char* name;
        const char* default_json;
        const char* units;
        std::int32_t validator; // 0: none
    };
    const std::vector<field> traced = {{"tau", "5.0", "ms", SPARK_VALIDATOR_POSITIVE},
                                       {"scale", "1.0", "", SPARK_VALIDATOR_POSITIVE},
                                       {"base", "0.0", "pA", 0}};
    const std::vector<field> rd = {{"tau_rise", "1.0", "ms", SPARK_VALIDATOR_POSITIVE},
                                   {"scale_rise", "1.0", "", SPARK_VALIDATOR_POSITIVE},
                                   {"base_rise", "0.0", "pA", 0},
                                   {"tau_decay", "5.0", "ms", SPARK_VALIDATOR_POSITIVE},
                                   {"scale_decay", "1.0", "", SPARK_VALIDATOR_POSITIVE},
                                   {"base_decay", "0.0", "pA", 0}};
    const std::vector<field> rfs = {{"alpha", "0.8", "", SPARK_VALIDATOR_RANGE},
                                    {"tau_rise", "1.0", "ms", SPARK_VALIDATOR_POSITIVE},
                                    {"scale_rise", "1.0", "", SPARK_VALIDATOR_POSITIVE},
                                    {"base_rise", "0.0", "pA", 0},
                                    {"tau_fast_decay", "5.0", "ms", SPARK_VALIDATOR_POSITIVE},
                                    {"scale_fast_decay", "1.0", "", SPARK_VALIDATOR_POSITIVE},
                                    {"base_fast_decay", "0.0", "pA", 0},
                                    {"tau_slow_decay", "50.0", "ms", SPARK_VALIDATOR_POSITIVE},
                                    {"scale_slow_decay", "1.0", "", SPARK_VALIDATOR_POSITIVE},
                                    {"base_slow_decay", "0.0", "pA", 0}};
    const auto& linear = *registry.resolve("linear_synapses").abi;
    for (const auto& [type, own] : {std::pair{"traced_synapses", &traced},
                                    std::pair{"rd_traced_synapses", &rd},
                                    std::pair{"rfs_traced_synapses", &rfs}}) {
        BOOST_TEST_CONTEXT(type) {
            const auto& info = registry.resolve(type);
            BOOST_TEST(info.canonical_id == std::string("spark.") + type);
            const auto& t = *info.abi;
            BOOST_TEST(t.kind == SPARK_KIND_COMPONENT);
            BOOST_TEST(!str(t.description).empty());
            // linear_synapses' fields first (units, kernel, async_spikes), then the tracers'
            BOOST_TEST_REQUIRE(t.field_count == linear.field_count + own->size());
            for (std::uint32_t i = 0; i < linear.field_count; ++i) {
                BOOST_TEST(str(t.fields[i].name) == str(linear.fields[i].name));
                BOOST_TEST(str(t.fields[i].default_json) == str(linear.fields[i].default_json));
            }
            for (std::size_t j = 0; j < own->size(); ++j) {
                const auto& e = (*own)[j];
                const auto& got = t.fields[linear.field_count + j];
                BOOST_TEST_CONTEXT(e.name) {
                    BOOST_TEST(str(got.name) == e.name);
                    BOOST_TEST(got.type == SPARK_FIELD_FLOAT);
                    BOOST_TEST(str(got.default_json) == e.default_json);
                    BOOST_TEST(str(got.units) == e.units);
                    BOOST_TEST(!str(got.description).empty());
                    BOOST_TEST(got.validator_count == (e.validator != 0 ? 1U : 0U));
                    if (e.validator != 0 && got.validator_count == 1U) {
                        BOOST_TEST(got.validators[0].kind == e.validator);
                    }
                }
            }
            // linear_synapses' ports, and the optional delays that order the sums
            BOOST_TEST_REQUIRE(t.port_count == 3U);
            BOOST_TEST(str(t.ports[0].name) == "spikes");
            BOOST_TEST(str(t.ports[1].name) == "currents");
            BOOST_TEST(str(t.ports[2].name) == "delays");
            BOOST_TEST(!t.ports[2].required);
        }
    }
}

BOOST_AUTO_TEST_CASE(validators_reject_what_upstream_rejects) {
    // Positive taus and scales, alpha in [0, 1] (upstream's PositiveValidator, ZeroOneValidator).
    const auto tau = spark::test::config_issues(registry, "traced_synapses", R"({"tau": 0})");
    BOOST_TEST_REQUIRE(tau.size() == 1U);
    BOOST_TEST(tau[0].find("tau") != std::string::npos, tau[0]);
    const auto scale =
        spark::test::config_issues(registry, "rd_traced_synapses", R"({"scale_decay": -1})");
    BOOST_TEST_REQUIRE(scale.size() == 1U);
    BOOST_TEST(scale[0].find("scale_decay") != std::string::npos, scale[0]);
    const auto alpha =
        spark::test::config_issues(registry, "rfs_traced_synapses", R"({"alpha": 1.5})");
    BOOST_TEST_REQUIRE(alpha.size() == 1U);
    BOOST_TEST(alpha[0].find("alpha") != std::string::npos, alpha[0]);
    BOOST_TEST(spark::test::config_issues(
                   registry, "rfs_traced_synapses", R"({"alpha": 0, "base_rise": -3})")
                   .empty());
}

BOOST_AUTO_TEST_CASE(s3b_linear_column_is_unchanged) {
    run_s3b<double>(*this, "linear_synapses", "float64", s3b_linear, 0.0);
    run_s3b<float>(*this, "linear_synapses", "float32", s3b_linear, 0.0);
}

BOOST_AUTO_TEST_CASE(s3b_traced_float64) {
    run_s3b<double>(*this, "traced_synapses", "float64", s3b_traced_f64, f64_tolerance);
}
BOOST_AUTO_TEST_CASE(s3b_rd_traced_float64) {
    run_s3b<double>(*this, "rd_traced_synapses", "float64", s3b_rd_f64, f64_tolerance);
}
BOOST_AUTO_TEST_CASE(s3b_rfs_traced_float64) {
    run_s3b<double>(*this, "rfs_traced_synapses", "float64", s3b_rfs_f64, f64_tolerance);
}
BOOST_AUTO_TEST_CASE(s3b_traced_float32) {
    run_s3b<float>(*this, "traced_synapses", "float32", s3b_traced_f32, f32_tolerance);
}
BOOST_AUTO_TEST_CASE(s3b_rd_traced_float32) {
    run_s3b<float>(*this, "rd_traced_synapses", "float32", s3b_rd_f32, f32_tolerance);
}
BOOST_AUTO_TEST_CASE(s3b_rfs_traced_float32) {
    run_s3b<float>(*this, "rfs_traced_synapses", "float32", s3b_rfs_f32, f32_tolerance);
}

BOOST_AUTO_TEST_CASE(rd_current_is_zero_in_the_spikes_step_and_peaks_one_step_later) {
    // Section 5.3: with equal scales the rise and decay traces jump alike, so the current of the
    // spike's own step is 0 exactly; one step later it is negative (the inhibitory spike wins).
    s3b_synapses m(*this, "rd_traced_synapses", "float32");
    m.step_s3b(0);
    BOOST_TEST(m.out<float>(0)[0] == 0.0F);
    BOOST_TEST(m.out<float>(0)[1] == 0.0F);
}

BOOST_AUTO_TEST_CASE(per_postsynaptic_filter_equals_upstreams_per_synapse_traces) {
    // golden_neurons.py computes one trace per synapse (15 here) with non-zero bases and sums
    // them; the plugin keeps one per postsynaptic neuron (3) at rest n_pre * base.
    run_many(*this, "linear_synapses", "", many_linear);
    run_many(*this, "traced_synapses", many_traced_params, many_traced);
    run_many(*this, "rd_traced_synapses", many_rd_params, many_rd);
    run_many(*this, "rfs_traced_synapses", many_rfs_params, many_rfs);
}

BOOST_AUTO_TEST_CASE(async_spikes_are_filtered_like_sync_spikes) {
    // Per-synapse spikes (units ⊕ pre) whose rows both repeat S3b's presynaptic spikes carry the
    // same linear current, hence the same traced current.
    for (const char* type : {"traced_synapses", "rd_traced_synapses", "rfs_traced_synapses"}) {
        BOOST_TEST_CONTEXT(type) {
            running_module m(*this,
                             type,
                             s3b_config("float64", true),
                             {port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {2, 3})},
                             1);
            const auto& expected = std::string(type) == "traced_synapses"      ? s3b_traced_f64
                                   : std::string(type) == "rd_traced_synapses" ? s3b_rd_f64
                                                                               : s3b_rfs_f64;
            for (std::uint64_t k = 0; k < 6; ++k) {
                for (std::size_t j = 0; j < 6; ++j) {
                    m.in<std::uint8_t>(0)[j] = static_cast<std::uint8_t>(
                        s3b_spikes[k][j % 3] | (s3b_inhibitory[j % 3] << 1U));
                }
                m.step(k);
                check_currents(m.out<double>(0).data(), expected[k], f64_tolerance, k);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(state_is_one_trace_per_postsynaptic_neuron_at_rest_after_reset) {
    // Upstream's traces start (and reset) at base per synapse: the sum over 5 presynaptic
    // neurons rests at 5 * base.
    many_synapses m(*this, "rd_traced_synapses", many_rd_params);
    const auto rise = m.state("rise_trace");
    BOOST_TEST(rise.dtype == SPARK_DTYPE_F64);
    BOOST_TEST_REQUIRE(rise.shape.rank == 1U);
    BOOST_TEST(rise.shape.dims[0] == 3U);
    for (const double q : m.state_values<double>("rise_trace")) {
        BOOST_TEST(q == 5 * 0.1, boost::test_tools::tolerance(1e-15));
    }
    for (const double q : m.state_values<double>("decay_trace")) {
        BOOST_TEST(q == 5 * -0.3, boost::test_tools::tolerance(1e-15));
    }
    for (std::uint64_t k = 0; k < 4; ++k) {
        m.step_many(k);
    }
    m.reset();
    for (const double q : m.state_values<double>("rise_trace")) {
        BOOST_TEST(q == 5 * 0.1, boost::test_tools::tolerance(1e-15));
    }
    for (const double q : m.state_values<double>("decay_trace")) {
        BOOST_TEST(q == 5 * -0.3, boost::test_tools::tolerance(1e-15));
    }
    // and the scenario runs from the start again
    for (std::uint64_t k = 0; k < 12; ++k) {
        m.step_many(k);
        check_currents(m.out<double>(0).data(), many_rd[k], 1e-12, k);
    }
}

BOOST_AUTO_TEST_CASE(reset_restarts_s3b) {
    for (const char* type : {"traced_synapses", "rfs_traced_synapses"}) {
        BOOST_TEST_CONTEXT(type) {
            s3b_synapses m(*this, type, "float64");
            m.step_s3b(0);
            m.step_s3b(1);
            m.reset();
            const auto& expected =
                std::string(type) == "traced_synapses" ? s3b_traced_f64 : s3b_rfs_f64;
            for (std::uint64_t k = 0; k < 6; ++k) {
                m.step_s3b(k);
                check_currents(m.out<double>(0).data(), expected[k], f64_tolerance, k);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(state_round_trip_resumes_the_same_currents) {
    struct variant {
        const char* type;
        const char* params;
        const double (*expected)[3];
        std::size_t arrays;
    };
    for (const auto& v : {variant{"traced_synapses", many_traced_params, many_traced, 1},
                          variant{"rd_traced_synapses", many_rd_params, many_rd, 2},
                          variant{"rfs_traced_synapses", many_rfs_params, many_rfs, 4}}) {
        BOOST_TEST_CONTEXT(v.type) {
            many_synapses m(*this, v.type, v.params);
            for (std::uint64_t k = 0; k < 5; ++k) {
                m.step_many(k);
            }
            const auto saved = m.checkpoint();
            BOOST_TEST(saved.size() == v.arrays);
            std::vector<double> first;
            for (std::uint64_t k = 5; k < 12; ++k) {
                m.step_many(k);
                check_currents(m.out<double>(0).data(), v.expected[k], 1e-12, k);
                for (const double c : m.out<double>(0)) {
                    first.push_back(c);
                }
            }
            m.reset();
            m.restore(saved);
            std::size_t n = 0;
            for (std::uint64_t k = 5; k < 12; ++k) {
                m.step_many(k);
                for (const double c : m.out<double>(0)) {
                    BOOST_TEST(c == first[n++]); // the restored state continues bit-identically
                }
            }
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
