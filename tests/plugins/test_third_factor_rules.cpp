// SPDX-License-Identifier: Apache-2.0
// spark.three_factor_hebbian_rule, spark.quadruplet_rule and spark.quadruplet_rule_tensor
// (upstream ThreeFactorHebbianRule, QuadrupletRule, QuadrupletRuleTensor: docs/models.md
// sections 6.4-6.6) loaded from the built spark.neurons plugin through the registry: schemas,
// the third-factor port (one value or one per postsynaptic neuron; any other shape or dtype is a
// build error), kernel trajectories against reference/golden_neurons.py in float64 and float32
// with sync and async presynaptic spikes, learning proportional to the third factor (no +0.1
// offset), the tensor rule's EE/EI/IE/II selection from the inhibition bits and its max_clip,
// reset and state round trips.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/abi/spark_abi.h>
#include <spark/registry/plugin_registry.hpp>

#include "models_fixture.hpp"

using spark::test::port;
using spark::test::running_module;
using spark::test::str;

namespace {

// The scenario of reference/golden_neurons.py (TF_*): 2 post x 3 pre, 10 steps. Post neuron 1
// and pre neuron 2 are inhibitory (bit1 on every byte, spike or not), so the tensor rule's
// synapse types are [[EE, EE, EI], [IE, IE, II]]; the other two rules read unsigned spikes.
const double tf_w0[6] = {0.5, 0.25, 0.75, 0.4, 0.6, 0.3};
const int tf_pre[10][3] = {{1, 0, 1},
                           {0, 1, 0},
                           {0, 0, 0},
                           {1, 1, 0},
                           {0, 0, 1},
                           {0, 0, 0},
                           {1, 0, 0},
                           {0, 1, 1},
                           {0, 0, 0},
                           {1, 0, 1}};
const int tf_post[10][2] = {
    {0, 0}, {1, 0}, {0, 1}, {0, 0}, {1, 1}, {0, 0}, {0, 1}, {1, 0}, {0, 0}, {0, 1}};
const double tf_mod[10] = {1.0, 0.5, -0.25, 2.0, 0.0, 1.5, -1.0, 0.75, 1.0, 0.3};
const double tf_mod_post[10][2] = {{1.0, -0.5},
                                   {0.5, 2.0},
                                   {-0.25, 1.0},
                                   {2.0, 0.0},
                                   {0.0, 1.5},
                                   {1.5, -1.0},
                                   {-1.0, 0.25},
                                   {0.75, 1.0},
                                   {1.0, 1.0},
                                   {0.3, -2.0}};

// W (row-major [post][pre]) after steps 0..9, from reference/golden_neurons.py (three_factor,
// quadruplet, quadruplet_tensor; f64 exact maths, f32 every operation rounded to binary32).
// The tensor rule's parameters are QT there (TENSOR_CONFIG here).
const double three_factor_sync_scalar_f64[][6] = {
    {0.5, 0.25, 0.75, 0.4, 0.6, 0.3},
    {0.5045241870901798, 0.26, 0.7545241870901798, 0.4, 0.6, 0.3},
    {0.5045241870901798,
     0.26,
     0.7545241870901798,
     0.39795317311730505,
     0.5977379064549101,
     0.297953173117305},
    {0.5208988021517394,
     0.27637461506155964,
     0.7545241870901798,
     0.4160499214780242,
     0.6158346548156293,
     0.297953173117305},
    {0.5208988021517394,
     0.27637461506155964,
     0.7545241870901798,
     0.4160499214780242,
     0.6158346548156293,
     0.297953173117305},
    {0.5208988021517394,
     0.27637461506155964,
     0.7545241870901798,
     0.4160499214780242,
     0.6158346548156293,
     0.297953173117305},
    {0.5066461880238333,
     0.27637461506155964,
     0.7545241870901798,
     0.36826311491913055,
     0.6023611660116858,
     0.2842777492255849},
    {0.5221842587828058,
     0.3101903266033502,
     0.7884769374495463,
     0.36826311491913055,
     0.6192525632499131,
     0.3011691464638122},
    {0.5221842587828058,
     0.3101903266033502,
     0.7884769374495463,
     0.36826311491913055,
     0.6192525632499131,
     0.3011691464638122},
    {0.5278080299135294,
     0.3101903266033502,
     0.7941007085802698,
     0.3848835160212369,
     0.6247031773097808,
     0.31819644223396315},
};
const double three_factor_sync_scalar_f32[][6] = {
    {0.5, 0.25, 0.75, 0.4000000059604645, 0.6000000238418579, 0.30000001192092896},
    {0.5045241713523865,
     0.25999999046325684,
     0.7545241713523865,
     0.4000000059604645,
     0.6000000238418579,
     0.30000001192092896},
    {0.5045241713523865,
     0.25999999046325684,
     0.7545241713523865,
     0.39795318245887756,
     0.5977379083633423,
     0.29795318841934204},
    {0.5208987593650818,
     0.27637460827827454,
     0.7545241713523865,
     0.41604992747306824,
     0.615834653377533,
     0.29795318841934204},
    {0.5208987593650818,
     0.27637460827827454,
     0.7545241713523865,
     0.41604992747306824,
     0.615834653377533,
     0.29795318841934204},
    {0.5208987593650818,
     0.27637460827827454,
     0.7545241713523865,
     0.41604992747306824,
     0.615834653377533,
     0.29795318841934204},
    {0.5066461563110352,
     0.27637460827827454,
     0.7545241713523865,
     0.3682631254196167,
     0.6023611426353455,
     0.2842777669429779},
    {0.5221842527389526,
     0.3101903200149536,
     0.7884769439697266,
     0.3682631254196167,
     0.6192525625228882,
     0.30116915702819824},
    {0.5221842527389526,
     0.3101903200149536,
     0.7884769439697266,
     0.3682631254196167,
     0.6192525625228882,
     0.30116915702819824},
    {0.5278080105781555,
     0.3101903200149536,
     0.7941007018089294,
     0.3848835229873657,
     0.6247031688690186,
     0.31819644570350647},
};
const double three_factor_async_per_post_f64[][6] = {
    {0.5, 0.25, 0.75, 0.4, 0.6, 0.3},
    {0.5045241870901798, 0.26, 0.7545241870901798, 0.4, 0.6, 0.3},
    {0.5045241870901798, 0.26, 0.7545241870901798, 0.4090483741803596, 0.62, 0.3090483741803596},
    {0.5208988021517394,
     0.27637461506155964,
     0.7545241870901798,
     0.4090483741803596,
     0.62,
     0.3090483741803596},
    {0.5208988021517394,
     0.27637461506155964,
     0.7545241870901798,
     0.4624416087867551,
     0.6745619225923395,
     0.32016064749058537},
    {0.5208988021517394,
     0.27637461506155964,
     0.7545241870901798,
     0.4624416087867551,
     0.6745619225923395,
     0.3037040911034086},
    {0.5066461880238333,
     0.27637461506155964,
     0.7545241870901798,
     0.46600476231873167,
     0.6782845495901235,
     0.3074825112977801},
    {0.5221842587828058,
     0.3101903266033502,
     0.7884769374495463,
     0.48852662530303476,
     0.6782845495901235,
     0.3074825112977801},
    {0.5221842587828058,
     0.3101903266033502,
     0.7884769374495463,
     0.48852662530303476,
     0.6986631739422,
     0.3278611356498566},
    {0.5278080299135294,
     0.3101903266033502,
     0.7941007085802698,
     0.451034817764878,
     0.6585041063114,
     0.28737140708608017},
};
const double quadruplet_sync_scalar_f64[][6] = {
    {0.6, 0.25, 0.85, 0.5, 0.6, 0.4},
    {0.6545241870901798, 0.36, 0.9045241870901798, 0.5, 0.65, 0.4},
    {0.6545241870901798,
     0.36,
     0.9045241870901798,
     0.47295317311730506,
     0.6227379064549101,
     0.3729531731173051},
    {0.8708988021517394,
     0.5763746150615596,
     0.9045241870901798,
     0.6910499214780242,
     0.8408346548156294,
     0.3729531731173051},
    {0.8708988021517394,
     0.5763746150615596,
     0.9045241870901798,
     0.6910499214780242,
     0.8408346548156294,
     0.3729531731173051},
    {0.8708988021517394,
     0.5763746150615596,
     0.9045241870901798,
     0.6910499214780242,
     0.8408346548156294,
     0.3729531731173051},
    {0.7566461880238333,
     0.5763746150615596,
     0.9045241870901798,
     0.4432631149191306,
     0.7273611660116859,
     0.259277749225585},
    {0.8471842587828059,
     0.7601903266033502,
     1.0884769374495464,
     0.4432631149191306,
     0.8192525632499132,
     0.35116914646381236},
    {0.8471842587828059,
     0.7601903266033502,
     1.0884769374495464,
     0.4432631149191306,
     0.8192525632499132,
     0.35116914646381236},
    {0.8828080299135294,
     0.7601903266033502,
     1.12410070858027,
     0.519883516021237,
     0.854703177309781,
     0.42819644223396325},
};
const double quadruplet_sync_scalar_f32[][6] = {
    {0.6000000238418579, 0.25, 0.8500000238418579, 0.5, 0.6000000238418579, 0.4000000059604645},
    {0.6545242071151733,
     0.35999998450279236,
     0.9045242071151733,
     0.5,
     0.6500000357627869,
     0.4000000059604645},
    {0.6545242071151733,
     0.35999998450279236,
     0.9045242071151733,
     0.4729531705379486,
     0.6227379441261292,
     0.3729531764984131},
    {0.8708988428115845,
     0.5763745903968811,
     0.9045242071151733,
     0.6910499334335327,
     0.8408347368240356,
     0.3729531764984131},
    {0.8708988428115845,
     0.5763745903968811,
     0.9045242071151733,
     0.6910499334335327,
     0.8408347368240356,
     0.3729531764984131},
    {0.8708988428115845,
     0.5763745903968811,
     0.9045242071151733,
     0.6910499334335327,
     0.8408347368240356,
     0.3729531764984131},
    {0.7566462159156799,
     0.5763745903968811,
     0.9045242071151733,
     0.44326311349868774,
     0.727361261844635,
     0.2592777609825134},
    {0.8471843004226685,
     0.7601903080940247,
     1.0884768962860107,
     0.44326311349868774,
     0.8192526698112488,
     0.3511691689491272},
    {0.8471843004226685,
     0.7601903080940247,
     1.0884768962860107,
     0.44326311349868774,
     0.8192526698112488,
     0.3511691689491272},
    {0.8828080892562866,
     0.7601903080940247,
     1.124100685119629,
     0.5198835134506226,
     0.8547033071517944,
     0.4281964600086212},
};
const double quadruplet_async_per_post_f64[][6] = {
    {0.6, 0.25, 0.85, 0.4, 0.6, 0.3},
    {0.6545241870901798, 0.36, 0.9045241870901798, 0.6000000000000001, 0.6, 0.5},
    {0.6545241870901798,
     0.36,
     0.9045241870901798,
     0.7090483741803597,
     0.8200000000000001,
     0.6090483741803596},
    {0.8708988021517394,
     0.5763746150615596,
     0.9045241870901798,
     0.7090483741803597,
     0.8200000000000001,
     0.6090483741803596},
    {0.8708988021517394,
     0.5763746150615596,
     0.9045241870901798,
     1.0624416087867552,
     1.1745619225923396,
     0.7701606474905854},
    {0.8708988021517394,
     0.5763746150615596,
     0.9045241870901798,
     1.0624416087867552,
     1.1745619225923396,
     0.6537040911034087},
    {0.7566461880238333,
     0.5763746150615596,
     0.9045241870901798,
     1.0910047623187318,
     1.2032845495901237,
     0.6824825112977801},
    {0.8471842587828059,
     0.7601903266033502,
     1.0884769374495464,
     1.2135266253030348,
     1.2032845495901237,
     0.6824825112977801},
    {0.8471842587828059,
     0.7601903266033502,
     1.0884769374495464,
     1.2135266253030348,
     1.3236631739422,
     0.8028611356498566},
    {0.8828080299135294,
     0.7601903266033502,
     1.12410070858027,
     0.9760348177648781,
     1.0835041063114,
     0.5623714070860801},
};
const double quadruplet_tensor_sync_scalar_f64[][6] = {
    {0.6, 0.25, 0.6, 0.35000000000000003, 0.6, 0.5},
    {0.6295241870901798, 0.335, 0.5745619225923394, 0.35000000000000003, 0.575, 0.5},
    {0.6295241870901798,
     0.335,
     0.5745619225923394,
     0.32726209354508995,
     0.5523780735612518,
     0.4800331237764509},
    {0.8458988021517394,
     0.5513746150615597,
     0.5745619225923394,
     0.23019775936638204,
     0.4553137393825439,
     0.4800331237764509},
    {0.8458988021517394,
     0.5513746150615597,
     0.5745619225923394,
     0.23019775936638204,
     0.4553137393825439,
     0.4800331237764509},
    {0.8458988021517394,
     0.5513746150615597,
     0.5745619225923394,
     0.23019775936638204,
     0.4553137393825439,
     0.4800331237764509},
    {0.7316461880238332,
     0.5513746150615597,
     0.5745619225923394,
     0.2020547437036123,
     0.3717088269775085,
     0.39721332792762326},
    {0.7846842587828058,
     0.6976903266033503,
     0.6,
     0.2020547437036123,
     0.33713858222353255,
     0.5392140060407808},
    {0.7846842587828058,
     0.6976903266033503,
     0.6,
     0.2020547437036123,
     0.33713858222353255,
     0.5392140060407808},
    {0.8203080299135292,
     0.6976903266033503,
     0.6,
     0.20884023062940552,
     0.36019065516927257,
     0.6225078741463087},
};
const double quadruplet_tensor_sync_scalar_f32[][6] = {
    {0.6000000238418579, 0.25, 0.6000000238418579, 0.3499999940395355, 0.6000000238418579, 0.5},
    {0.6295242309570312,
     0.33500000834465027,
     0.5745619535446167,
     0.3499999940395355,
     0.5750000476837158,
     0.5},
    {0.6295242309570312,
     0.33500000834465027,
     0.5745619535446167,
     0.3272620737552643,
     0.5523781180381775,
     0.48003312945365906},
    {0.8458988666534424,
     0.551374614238739,
     0.5745619535446167,
     0.2301977276802063,
     0.4553137719631195,
     0.48003312945365906},
    {0.8458988666534424,
     0.551374614238739,
     0.5745619535446167,
     0.2301977276802063,
     0.4553137719631195,
     0.48003312945365906},
    {0.8458988666534424,
     0.551374614238739,
     0.5745619535446167,
     0.2301977276802063,
     0.4553137719631195,
     0.48003312945365906},
    {0.7316462397575378,
     0.551374614238739,
     0.5745619535446167,
     0.2020547091960907,
     0.37170886993408203,
     0.397213339805603},
    {0.7846843004226685,
     0.6976903676986694,
     0.6000000238418579,
     0.2020547091960907,
     0.3371386229991913,
     0.539214015007019},
    {0.7846843004226685,
     0.6976903676986694,
     0.6000000238418579,
     0.2020547091960907,
     0.3371386229991913,
     0.539214015007019},
    {0.8203080892562866,
     0.6976903676986694,
     0.6000000238418579,
     0.20884019136428833,
     0.3601906895637512,
     0.6225078701972961},
};
const double quadruplet_tensor_async_per_post_f64[][6] = {
    {0.6, 0.25, 0.6, 0.4, 0.6, 0.3},
    {0.6295241870901798, 0.335, 0.5745619225923394, 0.30000000000000004, 0.6, 0.7},
    {0.6295241870901798,
     0.335,
     0.5745619225923394,
     0.3904877057549929,
     0.6415625,
     0.7805156056411537},
    {0.8458988021517394,
     0.5513746150615597,
     0.5745619225923394,
     0.3904877057549929,
     0.6415625,
     0.7805156056411537},
    {0.8458988021517394,
     0.5513746150615597,
     0.5745619225923394,
     0.4419891882240497,
     0.6924020408448933,
     0.8994589426298192},
    {0.8458988021517394,
     0.5513746150615597,
     0.5745619225923394,
     0.4419891882240497,
     0.6924020408448933,
     0.7068497821332971},
    {0.7316461880238332,
     0.5513746150615597,
     0.5745619225923394,
     0.4627800927212813,
     0.7130931204171085,
     0.7278150295256465},
    {0.7846842587828058,
     0.6976903266033503,
     0.6,
     0.41668643304931335,
     0.7130931204171085,
     0.7278150295256465},
    {0.7846842587828058, 0.6976903266033503, 0.6, 0.41668643304931335, 0.6667627875490569, 0.9},
    {0.8203080299135292,
     0.6976903266033503,
     0.6,
     0.2637655979921734,
     0.5154571534948735,
     0.7267886624566416},
};

const char* const tensor_config = R"("pre_tau": [10, 5, 20, 8], "post_tau": [10, 4, 16, 25],
    "q_alpha": [1, 0.5, -0.5, 2], "q_beta": [1, 2, 0.25, -1], "q_gamma": [0.5, -1, 1, 0.75],
    "q_delta": [1, 3, -2, 0.5], "max_clip": [20, 0.6, 20, 0.9], "eta": 0.1)";

/// A third-factor rule on 2 post x 3 pre synapses (or n_post x n_pre) whose kernel output is
/// fed back as the next step's current_kernel. Inputs: pre_spikes, post_spikes, current_kernel,
/// the third factor (`factor_count` values).
template <typename T>
struct modulated_loop : running_module {
    modulated_loop(spark::test::models_fixture& f,
                   const char* type,
                   const std::string& overrides,
                   bool async,
                   std::uint32_t factor_count,
                   std::uint32_t n_post = 2,
                   std::uint32_t n_pre = 3)
        : running_module(f,
                         type,
                         async ? overrides.substr(0, overrides.rfind('}')) +
                                     R"(, "async_spikes": true})"
                               : overrides,
                         {async ? port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {n_post, n_pre})
                                : port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {n_pre}),
                          port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {n_post}),
                          port(SPARK_PAYLOAD_FLOAT, dtype(), {n_post, n_pre}),
                          port(SPARK_PAYLOAD_FLOAT, dtype(), {factor_count})},
                         1),
          async_(async) {
        if (n_post == 2 && n_pre == 3) {
            std::copy(std::begin(tf_w0), std::end(tf_w0), in<T>(2).begin());
        }
    }
    static std::int32_t dtype() { return sizeof(T) == 8 ? SPARK_DTYPE_F64 : SPARK_DTYPE_F32; }

    /// Step k of the TF scenario; `per_post` takes tf_mod_post, else tf_mod.
    void scenario_step(int k, bool per_post) {
        const auto ku = static_cast<std::size_t>(k);
        auto pre = in<std::uint8_t>(0);
        auto post = in<std::uint8_t>(1);
        for (std::size_t o = 0; o < 2; ++o) {
            for (std::size_t i = 0; i < 3; ++i) {
                const auto inhibitory = static_cast<std::uint8_t>(i == 2 ? 2 : 0);
                if (async_) {
                    const int s = k - static_cast<int>(o) >= 0 ? tf_pre[ku - o][i] : 0;
                    pre[o * 3 + i] = static_cast<std::uint8_t>(s | inhibitory);
                } else if (o == 0) {
                    pre[i] = static_cast<std::uint8_t>(tf_pre[ku][i] | inhibitory);
                }
            }
            post[o] = static_cast<std::uint8_t>(tf_post[ku][o] | (o == 1 ? 2 : 0));
        }
        auto m = in<T>(3);
        if (per_post) {
            m[0] = static_cast<T>(tf_mod_post[ku][0]);
            m[1] = static_cast<T>(tf_mod_post[ku][1]);
        } else {
            m[0] = static_cast<T>(tf_mod[ku]);
        }
        learn(static_cast<std::uint64_t>(k));
    }
    void learn(std::uint64_t k) {
        step(k);
        const auto w = out<T>(0);
        std::copy(w.begin(), w.end(), in<T>(2).begin());
    }

private:
    bool async_;
};

std::string with_dtype(const char* dtype, const std::string& rest = "") {
    return std::string(R"({"dtype": ")") + dtype + "\"" + (rest.empty() ? "" : ", " + rest) + "}";
}

/// Runs the TF scenario from step `first` and checks W after every step against `expected`.
template <typename T>
void check_trajectory(modulated_loop<T>& m,
                      const double (*expected)[6],
                      bool per_post,
                      double tolerance,
                      int first = 0) {
    for (int k = first; k < 10; ++k) {
        m.scenario_step(k, per_post);
        BOOST_TEST_CONTEXT("step " << k) {
            const auto w = m.template out<T>(0);
            for (std::size_t s = 0; s < 6; ++s) {
                BOOST_TEST_CONTEXT("synapse (" << s / 3 << ", " << s % 3 << ")") {
                    BOOST_TEST(static_cast<double>(w[s]) ==
                                   expected[static_cast<std::size_t>(k)][s],
                               boost::test_tools::tolerance(tolerance));
                }
            }
        }
    }
}

struct rule_case {
    const char* type;
    std::string config; // extra overrides (the tensor's parameters)
    const double (*sync_f64)[6];
    const double (*sync_f32)[6];
    const double (*async_per_post_f64)[6];
};

template <typename T>
void check_trajectory_of(spark::test::models_fixture& f,
                         const char* type,
                         const std::string& config,
                         const char* dtype,
                         bool async,
                         bool per_post,
                         const double (*expected)[6],
                         double tolerance) {
    modulated_loop<T> m(f, type, with_dtype(dtype, config), async, per_post ? 2U : 1U);
    check_trajectory(m, expected, per_post, tolerance);
}

std::vector<rule_case> rule_cases() {
    return {{"three_factor_hebbian_rule",
             "",
             three_factor_sync_scalar_f64,
             three_factor_sync_scalar_f32,
             three_factor_async_per_post_f64},
            {"quadruplet_rule",
             "",
             quadruplet_sync_scalar_f64,
             quadruplet_sync_scalar_f32,
             quadruplet_async_per_post_f64},
            {"quadruplet_rule_tensor",
             tensor_config,
             quadruplet_tensor_sync_scalar_f64,
             quadruplet_tensor_sync_scalar_f32,
             quadruplet_tensor_async_per_post_f64}};
}

/// The message of the error building `type` with these input specs throws (empty: it built).
std::string build_error(spark::test::models_fixture& f,
                        const char* type,
                        const std::string& overrides,
                        const std::vector<spark_port_spec_t>& inputs) {
    auto cfg = f.config(type, overrides);
    auto instance = f.registry.create(cfg.type(), cfg.abi(), "probe");
    spark_port_spec_t out{};
    try {
        instance.build(std::span(inputs), std::span(&out, 1));
    } catch (const spark::registry::plugin_error& e) {
        return e.what();
    }
    return "";
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(third_factor_rules, spark::test::models_fixture)

BOOST_AUTO_TEST_CASE(schemas_have_upstreams_fields_and_a_third_factor_port) {
    struct expected_type {
        const char* type;
        std::vector<std::string> fields;
        const char* factor;
    };
    const expected_type types[] = {
        {"three_factor_hebbian_rule", {"pre_tau", "post_tau", "gamma", "async_spikes"}, "reward"},
        {"quadruplet_rule",
         {"pre_tau",
          "post_tau",
          "q_alpha",
          "q_beta",
          "q_gamma",
          "q_delta",
          "gamma",
          "async_spikes"},
         "modulation"},
        {"quadruplet_rule_tensor",
         {"pre_tau",
          "post_tau",
          "q_alpha",
          "q_beta",
          "q_gamma",
          "q_delta",
          "max_clip",
          "eta",
          "async_spikes"},
         "modulation"}};
    for (const auto& e : types) {
        BOOST_TEST_CONTEXT(e.type) {
            const auto& info = registry.resolve(e.type);
            BOOST_TEST(info.canonical_id == std::string("spark.") + e.type);
            const auto& t = *info.abi;
            BOOST_TEST(t.kind == SPARK_KIND_COMPONENT);
            BOOST_TEST_REQUIRE(t.field_count == e.fields.size());
            for (std::uint32_t i = 0; i < t.field_count; ++i) {
                BOOST_TEST(str(t.fields[i].name) == e.fields[i]);
                BOOST_TEST(!str(t.fields[i].description).empty());
            }
            BOOST_TEST_REQUIRE(t.port_count == 5U);
            const std::string ports[] = {
                "pre_spikes", "post_spikes", "current_kernel", e.factor, "kernel"};
            for (std::uint32_t i = 0; i < 5; ++i) {
                BOOST_TEST(str(t.ports[i].name) == ports[i]);
                BOOST_TEST(t.ports[i].direction == (i < 4 ? SPARK_PORT_INPUT : SPARK_PORT_OUTPUT));
            }
            BOOST_TEST(t.ports[3].payload_kind == SPARK_PAYLOAD_FLOAT);
        }
    }
    // upstream's defaults (sections 6.4-6.6)
    const auto& three = *registry.resolve("three_factor_hebbian_rule").abi;
    BOOST_TEST(str(three.fields[0].default_json) == "10.0");
    BOOST_TEST(str(three.fields[1].default_json) == "10.0");
    BOOST_TEST(str(three.fields[2].default_json) == "0.1");
    const auto& tensor = *registry.resolve("quadruplet_rule_tensor").abi;
    BOOST_TEST(str(tensor.fields[0].default_json) == "[10.0, 10.0, 10.0, 10.0]");
    BOOST_TEST(str(tensor.fields[2].default_json) == "[1.0, 1.0, 1.0, 1.0]");
    BOOST_TEST(str(tensor.fields[6].default_json) == "[20.0, 20.0, 20.0, 20.0]");
    BOOST_TEST(str(tensor.fields[7].default_json) == "0.1");
}

BOOST_AUTO_TEST_CASE(sync_spikes_and_one_factor_match_the_reference_in_float64) {
    for (const auto& c : rule_cases()) {
        BOOST_TEST_CONTEXT(c.type) {
            check_trajectory_of<double>(
                *this, c.type, c.config, "float64", false, false, c.sync_f64, 1e-12);
        }
    }
}

BOOST_AUTO_TEST_CASE(sync_spikes_and_one_factor_match_the_reference_in_float32) {
    // every operation rounded to binary32 in the reference's order: a few ulps of ~1 (1e-7)
    for (const auto& c : rule_cases()) {
        BOOST_TEST_CONTEXT(c.type) {
            check_trajectory_of<float>(
                *this, c.type, c.config, "float32", false, false, c.sync_f32, 1e-6);
        }
    }
}

BOOST_AUTO_TEST_CASE(async_spikes_and_a_factor_per_post_neuron_match_the_reference) {
    for (const auto& c : rule_cases()) {
        BOOST_TEST_CONTEXT(c.type) {
            check_trajectory_of<double>(
                *this, c.type, c.config, "float64", true, true, c.async_per_post_f64, 1e-12);
        }
    }
}

BOOST_AUTO_TEST_CASE(no_third_factor_no_learning) {
    // Learning is proportional to the factor (upstream adds 0.1 in sections 6.4 and 6.6 and so
    // learns with zero reward): every spike pattern of the scenario with m = 0 leaves W as is.
    for (const auto& c : rule_cases()) {
        BOOST_TEST_CONTEXT(c.type) {
            modulated_loop<double> m(*this, c.type, with_dtype("float64", c.config), false, 1);
            for (int k = 0; k < 10; ++k) {
                m.in<std::uint8_t>(0)[0] = 1;
                m.in<std::uint8_t>(0)[1] = 1;
                m.in<std::uint8_t>(0)[2] = 3;
                m.in<std::uint8_t>(1)[0] = 1;
                m.in<std::uint8_t>(1)[1] = 3;
                m.in<double>(3)[0] = 0.0;
                m.learn(static_cast<std::uint64_t>(k));
            }
            const auto w = m.out<double>(0);
            // the tensor's EI clip (0.6) is the only change: W0 = 0.75 is above it
            const bool tensor = std::string(c.type) == "quadruplet_rule_tensor";
            for (std::size_t s = 0; s < 6; ++s) {
                BOOST_TEST(w[s] == (tensor && s == 2 ? 0.6 : tf_w0[s]));
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(the_update_is_proportional_to_the_factor) {
    // One coincident pre and post spike on 1 x 1 synapse from W0 = 0.5: x = y = 1/10 (default
    // taus 10 ms), so three-factor dW = gamma r (y + x) = 0.1 r 0.2 and quadruplet dW = gamma m
    // (1 + y + 1 + x) = 0.1 m 2.2 (all q = 1). Doubling r doubles dW; a negative r depresses.
    for (const double r : {0.5, 1.0, -1.0}) {
        BOOST_TEST_CONTEXT("r " << r) {
            modulated_loop<double> three(
                *this, "three_factor_hebbian_rule", with_dtype("float64"), false, 1, 1, 1);
            modulated_loop<double> quad(
                *this, "quadruplet_rule", with_dtype("float64"), false, 1, 1, 1);
            for (auto* m : {&three, &quad}) {
                m->in<double>(2)[0] = 0.5;
                m->in<std::uint8_t>(0)[0] = 1;
                m->in<std::uint8_t>(1)[0] = 1;
                m->in<double>(3)[0] = r;
                m->learn(0);
            }
            BOOST_TEST(three.out<double>(0)[0] == 0.5 + 0.1 * r * 0.2,
                       boost::test_tools::tolerance(1e-14));
            BOOST_TEST(quad.out<double>(0)[0] == 0.5 + 0.1 * r * 2.2,
                       boost::test_tools::tolerance(1e-14));
        }
    }
}

BOOST_AUTO_TEST_CASE(each_synapse_type_takes_its_own_parameters_and_clip) {
    // 2 post x 2 pre, W0 = 0.5, one step with only presynaptic spikes and m = 1: dW = eta q_alpha
    // of the synapse's type (section 6.5), T = 2 inh_post + inh_pre. q_alpha = (1, 0.5, -0.5, 3):
    // EE 0.6, EI 0.55, IE 0.45, II 0.8 clipped to max_clip II = 0.7.
    modulated_loop<double> m(*this,
                             "quadruplet_rule_tensor",
                             with_dtype("float64",
                                        R"("q_alpha": [1, 0.5, -0.5, 3],
                                            "max_clip": [20, 20, 20, 0.7])"),
                             false,
                             1,
                             2,
                             2);
    for (auto& w : m.in<double>(2)) {
        w = 0.5;
    }
    m.in<std::uint8_t>(0)[0] = 1; // excitatory pre
    m.in<std::uint8_t>(0)[1] = 3; // inhibitory pre
    m.in<std::uint8_t>(1)[0] = 0; // excitatory post, silent
    m.in<std::uint8_t>(1)[1] = 2; // inhibitory post, silent
    m.in<double>(3)[0] = 1.0;
    m.learn(0);
    const auto w = m.out<double>(0);
    BOOST_TEST(w[0] == 0.6, boost::test_tools::tolerance(1e-14));  // EE
    BOOST_TEST(w[1] == 0.55, boost::test_tools::tolerance(1e-14)); // EI
    BOOST_TEST(w[2] == 0.45, boost::test_tools::tolerance(1e-14)); // IE
    BOOST_TEST(w[3] == 0.7);                                       // II, clipped
}

BOOST_AUTO_TEST_CASE(weights_are_clipped_at_zero) {
    // A large negative factor after coincident spikes: W + dt dW < 0 becomes 0 in every rule.
    for (const auto& c : rule_cases()) {
        BOOST_TEST_CONTEXT(c.type) {
            modulated_loop<double> m(*this, c.type, with_dtype("float64", c.config), false, 1);
            m.in<std::uint8_t>(0)[0] = 1;
            m.in<std::uint8_t>(0)[1] = 1;
            m.in<std::uint8_t>(0)[2] = 3;
            m.in<std::uint8_t>(1)[0] = 1;
            m.in<std::uint8_t>(1)[1] = 3;
            m.in<double>(3)[0] = -1000.0;
            m.learn(0);
            for (const double w : m.out<double>(0)) {
                BOOST_TEST(w == 0.0);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(a_third_factor_of_another_shape_or_dtype_is_a_build_error) {
    const auto spikes3 = port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {3});
    const auto spikes2 = port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {2});
    const auto kernel = port(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F64, {2, 3});
    struct bad {
        const char* type;
        spark_port_spec_t factor;
        const char* message;
    };
    const bad cases[] = {
        {"three_factor_hebbian_rule",
         port(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F64, {3}),
         "input port 'reward' has shape (3) (3 elements); it must hold 1 value (for every "
         "synapse) or 2 (one per postsynaptic neuron, like post_spikes (2))"},
        {"quadruplet_rule",
         port(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F64, {2, 3}),
         "input port 'modulation' has shape (2, 3) (6 elements)"},
        {"quadruplet_rule_tensor",
         port(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F32, {1}),
         "input port 'modulation' carries float32 elements, expected float64"}};
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT(c.type) {
            const auto message = build_error(
                *this, c.type, with_dtype("float64"), {spikes3, spikes2, kernel, c.factor});
            BOOST_TEST(message.find(c.message) != std::string::npos, message);
        }
    }
    // one value and one per post neuron both build
    for (const std::uint32_t n : {1U, 2U}) {
        BOOST_TEST(
            build_error(*this,
                        "three_factor_hebbian_rule",
                        with_dtype("float64"),
                        {spikes3, spikes2, kernel, port(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F64, {n})})
                .empty());
    }
}

BOOST_AUTO_TEST_CASE(a_tensor_of_other_than_four_values_is_a_config_error) {
    const auto issues = spark::test::config_issues(
        registry, "quadruplet_rule_tensor", R"({"pre_tau": [10, 10, 10]})");
    BOOST_TEST_REQUIRE(issues.size() == 1U);
    BOOST_TEST(issues[0].find("pre_tau") != std::string::npos, issues[0]);
}

BOOST_AUTO_TEST_CASE(reset_clears_the_traces) {
    for (const auto& c : rule_cases()) {
        BOOST_TEST_CONTEXT(c.type) {
            modulated_loop<double> m(*this, c.type, with_dtype("float64", c.config), false, 1);
            for (int k = 0; k < 5; ++k) {
                m.scenario_step(k, false);
            }
            m.reset();
            for (const char* name : {"pre_trace", "post_trace"}) {
                for (const double v : m.state_values<double>(name)) {
                    BOOST_TEST(v == 0.0);
                }
            }
            // and the scenario runs from the start again
            std::copy(std::begin(tf_w0), std::end(tf_w0), m.in<double>(2).begin());
            check_trajectory(m, c.sync_f64, false, 1e-12);
        }
    }
}

BOOST_AUTO_TEST_CASE(state_round_trip_resumes_the_same_kernel) {
    for (const auto& c : rule_cases()) {
        BOOST_TEST_CONTEXT(c.type) {
            modulated_loop<double> m(*this, c.type, with_dtype("float64", c.config), true, 2);
            for (int k = 0; k < 5; ++k) {
                m.scenario_step(k, true);
            }
            const auto saved = m.checkpoint();
            const std::vector<double> kernel(m.in<double>(2).begin(), m.in<double>(2).end());
            m.reset();
            m.restore(saved);
            std::copy(kernel.begin(), kernel.end(), m.in<double>(2).begin());
            check_trajectory(m, c.async_per_post_f64, true, 1e-12, 5);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
