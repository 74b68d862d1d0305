// The template variables that carry the financial model's numbers into prose.

#include "docs/reportformat.h"
#include "docs/samplereportgenerator.h"

#include <cmath>

namespace moescope {

namespace {

// The change between two percentages as printed (one decimal), so the text agrees with the figures beside it.
std::string bps(double fromFraction, double toFraction)
{
    const long from = std::lround(fromFraction * 1000), to = std::lround(toFraction * 1000);
    return std::to_string(std::labs(to - from) * 10) + " basis points";
}

double ratio(Money a, Money b)
{
    return b == 0 ? 0 : static_cast<double>(a) / static_cast<double>(b);
}

} // namespace

void SampleReportGenerator::setYearVariables()
{
    auto& t = m_text;
    const auto& y = fy(0);
    const auto& f = *m_financials;
    t.set("cash", formatMillions(y.cash));
    t.set("cash_py", formatMillions(fy(1).cash));
    t.set("debt", formatMillions(y.debtPrincipal));
    t.set("debt_py", formatMillions(fy(1).debtPrincipal));
    t.set("currentdebt", formatMillions(y.currentDebt));
    t.set("revolver", formatMillions(f.revolverCapacity(), true));
    t.set("revolverbal", formatMillions(y.revolverBalance));
    t.set("revolveravail", formatMillions(f.revolverCapacity() - y.revolverBalance));
    t.set("liquidity", formatMillions(y.cash + f.revolverCapacity() - y.revolverBalance, true));
    t.set("cfo", formatMillions(y.operatingCashFlow));
    t.set("capex", formatMillions(y.capex));
    t.set("fcf", formatMillions(y.operatingCashFlow - y.capex));
    t.set("repurch", formatMillions(y.repurchases));
    t.set("repurchshares", formatTenths(static_cast<int>(y.sharesRepurchased / 100)) + " million");
    t.set("repurchprice", formatCents(static_cast<int>(std::lround(y.averageRepurchasePrice * 100))));
    t.set("div", formatMillions(y.dividends));
    t.set("dpsq", formatCents(y.dividendQuarterCents));
    t.set("dpsq_next", formatCents(static_cast<int>(std::lround(y.dividendQuarterCents * 1.07))));
    t.set("dps", formatCents(4 * y.dividendQuarterCents));
    t.set("dps_py", formatCents(4 * fy(1).dividendQuarterCents));
    t.set("rev", formatMillions(y.revenue));
    t.set("taxespaid", formatMillions(y.tax.cashTaxesPaid));
    t.set("interestpaid", formatMillions(y.interestExpense - (y.accruedInterest - fy(1).accruedInterest)));
    t.set("usrev", formatMillions(y.regionRevenue[0]));
    t.set("usrev_py", formatMillions(fy(1).regionRevenue[0]));
    t.set("usrev_ppy", formatMillions(fy(2).regionRevenue[0]));
    t.set("returned", formatMillions(y.dividends + y.repurchases));
    t.set("intlshare", formatPercent(1.0 - ratio(y.regionRevenue[0], y.revenue), 0));
    t.set("revb", formatMillions(y.revenue, true));
    t.set("ni", formatMillions(y.netIncome));
    t.set("eps", formatCents(y.epsDilutedCents));
    t.set("rpo", formatMillions(y.remainingPerformanceObligations));
    t.set("contractliab", formatMillions(y.contractLiabilities));
    t.set("contractliab_py", formatMillions(fy(1).contractLiabilities));
    t.set("gw", formatMillions(y.goodwill));
    t.set("intang", formatMillions(y.intangiblesNet));
    t.set("acqprice", formatMillions(fy(1).acqPrice));
    t.set("acqgw", formatMillions(fy(1).acqGoodwill));
    t.set("acqintang", formatMillions(fy(1).acqCustomer + fy(1).acqTechnology + fy(1).acqTrade));
    t.set("acqrev",
        formatMillions(fy(1).segments[static_cast<std::size_t>(m_company.acquisitionSegment)].acquiredRevenue));
    t.set("sbc", formatMillions(y.stockCompensation));
    t.set("sbc_py", formatMillions(fy(1).stockCompensation));
    t.set("sbc_ppy", formatMillions(fy(2).stockCompensation));
    t.set("sbctax", formatMillions(std::lround(y.stockCompensation * 0.21)));
    t.set("unrecognized", formatMillions(y.unrecognizedCompensation));
    t.set("contrib", formatMillions(y.retirementContributions));
    t.set("contrib_py", formatMillions(fy(1).retirementContributions));
    t.set("contrib_ppy", formatMillions(fy(2).retirementContributions));
    t.set("dep", formatMillions(y.depreciation));
    t.set("dep_py", formatMillions(fy(1).depreciation));
    t.set("dep_ppy", formatMillions(fy(2).depreciation));
    t.set("amort", formatMillions(y.amortization));
    t.set("leasecost", formatMillions(y.leaseCost));
    t.set("leasecost_py", formatMillions(fy(1).leaseCost));
    t.set("leasecash", formatMillions(y.leaseCashPaid));
    t.set("restr", formatMillions(y.restructuring));
    t.set("restr_py", formatMillions(fy(1).restructuring));
    t.set("restrres", formatMillions(y.restructuringReserve));
    t.set("utb", formatMillions(y.tax.utbEnd));
    t.set("utbrate", formatMillions(std::lround(y.tax.utbEnd * 0.8)));
    t.set("rdcredit", formatMillions(y.researchCreditAmount));
    t.set("etr", formatPercent(ratio(y.taxProvision, y.pretaxIncome)));
    t.set("etr_py", formatPercent(ratio(fy(1).taxProvision, fy(1).pretaxIncome)));
    t.set("fairdebt", formatMillions(y.debtFairValue));
    t.set("fxsens", formatMillions(std::lround(y.revenue * 0.45 * 0.1 * 0.12)));
    t.set("ratesens", formatMillions(std::lround(y.debtFairValue * 0.062)));
    t.set("floatsens", formatMillions(std::max<Money>(1, std::lround(y.cash * 0.01))));
    t.set("hedgenotional", formatMillions(std::lround(y.revenue * 0.07 / 5) * 5));
    t.set("warranty", formatMillions(y.warranty));
    t.set("allowance", formatMillions(y.allowance));
    t.set("purchobl", formatMillions(std::lround(y.costOfRevenue * 0.11)));
    Money backlogNow = 0, backlogPrior = 0;
    for (std::size_t s = 0; s < y.segments.size(); ++s) {
        backlogNow += backlog(0, s);
        backlogPrior += backlog(1, s);
    }
    t.set("backlog", formatMillions(backlogNow, true));
    t.set("backlog_py", formatMillions(backlogPrior, true));
    t.set("sharesout", formatShareCount(y.sharesOutstanding));
    t.set("holders", formatGrouped(900 + static_cast<Money>(m_seed % 1700)));
    t.set("marketcap",
        formatMillions(std::lround(fy(0).sharesOutstanding * 0.97 * (fy(1).stockPriceEnd * 1.05) / 1000), true));
    t.set("authremaining", formatMillions(std::max<Money>(250, std::lround(y.revenue * 0.25 / 50) * 50)));
    t.set("pricefy", formatCents(static_cast<int>(std::lround(y.stockPriceEnd * 100))));
    setComparison(0);
}

void SampleReportGenerator::setComparison(int back)
{
    auto& t = m_text;
    const auto& c = fy(back);
    const auto& p = fy(back + 1);
    t.set("cy", std::to_string(c.year));
    t.set("cp", std::to_string(p.year));
    auto metric = [&](const std::string& key, Money cur, Money prev) {
        t.set(key + "_c", formatMillions(cur));
        t.set(key + "_p", formatMillions(prev));
        t.set(key + "_verb", changeVerb(cur, prev));
        t.set(key + "_chg", changePhrase(cur, prev));
        t.set(key + "_pct", formatPercent(std::fabs(changeFraction(cur, prev))));
        t.set(key + "_diff", formatMillions(std::llabs(cur - prev)));
        t.set(key + "_anoun", cur >= prev ? "an increase" : "a decrease");
    };
    metric("rev", c.revenue, p.revenue);
    metric("prodrev", c.productRevenue, p.productRevenue);
    metric("servrev", c.serviceRevenue, p.serviceRevenue);
    metric("cor", c.costOfRevenue, p.costOfRevenue);
    metric("gp", c.grossProfit, p.grossProfit);
    metric("sga", c.sga, p.sga);
    metric("rnd", c.researchDevelopment, p.researchDevelopment);
    metric("amort", c.amortization, p.amortization);
    metric("restr", c.restructuring, p.restructuring);
    metric("oi", c.operatingIncome, p.operatingIncome);
    metric("ie", c.interestExpense, p.interestExpense);
    metric("oinc", c.otherIncome, p.otherIncome);
    metric("pretax", c.pretaxIncome, p.pretaxIncome);
    metric("tax", c.taxProvision, p.taxProvision);
    metric("ni", c.netIncome, p.netIncome);
    metric("cfo", c.operatingCashFlow, p.operatingCashFlow);
    metric("capex", c.capex, p.capex);
    metric("cfi", -c.investingCashFlow, -p.investingCashFlow);
    metric("cff", -c.financingCashFlow, -p.financingCashFlow);
    metric("repurch", c.repurchases, p.repurchases);
    metric("div", c.dividends, p.dividends);
    metric("fcf", c.operatingCashFlow - c.capex, p.operatingCashFlow - p.capex);

    const double gmC = ratio(c.grossProfit, c.revenue), gmP = ratio(p.grossProfit, p.revenue);
    t.set("gm_c", formatPercent(gmC));
    t.set("gm_p", formatPercent(gmP));
    t.set("gm_bps", bps(gmP, gmC));
    t.set("gm_dir", gmC >= gmP ? "increased" : "decreased");
    const double omC = ratio(c.operatingIncome, c.revenue), omP = ratio(p.operatingIncome, p.revenue);
    t.set("om_c", formatPercent(omC));
    t.set("om_p", formatPercent(omP));
    t.set("om_bps", bps(omP, omC));
    t.set("om_dir", omC >= omP ? "expanded" : "contracted");
    t.set("sgapct_c", formatPercent(ratio(c.sga, c.revenue)));
    t.set("sgapct_p", formatPercent(ratio(p.sga, p.revenue)));
    t.set("rndpct_c", formatPercent(ratio(c.researchDevelopment, c.revenue)));
    t.set("rndpct_p", formatPercent(ratio(p.researchDevelopment, p.revenue)));
    t.set("etr_c", formatPercent(ratio(c.taxProvision, c.pretaxIncome)));
    t.set("etr_p", formatPercent(ratio(p.taxProvision, p.pretaxIncome)));
    t.set(
        "etr_dir", ratio(c.taxProvision, c.pretaxIncome) >= ratio(p.taxProvision, p.pretaxIncome) ? "higher" : "lower");
    t.set("eps_c", formatCents(c.epsDilutedCents));
    t.set("eps_p", formatCents(p.epsDilutedCents));
    t.set("eps_verb", changeVerb(c.epsDilutedCents, p.epsDilutedCents));
    t.set("eps_pct", formatPercent(std::fabs(changeFraction(c.epsDilutedCents, p.epsDilutedCents))));
    t.set("organic_pct", formatPercent(std::fabs(c.organicGrowth)));
    t.set("organic_dir", c.organicGrowth >= 0 ? "increased" : "decreased");
    t.set("organic_noun", c.organicGrowth >= 0 ? "growth" : "decline");
    t.set("fx_pct", formatPercent(std::fabs(c.fxImpact)));
    t.set("fx_word", c.fxImpact >= 0 ? "favorable" : "unfavorable");
    t.set("fx_aword", c.fxImpact >= 0 ? "a favorable" : "an unfavorable");
    t.set("fx_verb", c.fxImpact >= 0 ? "increased" : "reduced");
    t.set("acq_pct", formatPercent(c.acquisitionGrowth));
    t.set("shares_c", formatTenths(c.dilutedSharesTenths));
    t.set("shares_p", formatTenths(p.dilutedSharesTenths));
    t.set("shares_verb", c.dilutedSharesTenths <= p.dilutedSharesTenths ? "lower" : "higher");
    t.set("dso_c", std::to_string(std::lround(ratio(c.receivables, c.revenue) * 365)));
    t.set("dso_p", std::to_string(std::lround(ratio(p.receivables, p.revenue) * 365)));
    t.set("dio_c", std::to_string(std::lround(ratio(c.inventories, c.costOfRevenue) * 365)));
    t.set("dio_p", std::to_string(std::lround(ratio(p.inventories, p.costOfRevenue) * 365)));
    for (std::size_t s = 0; s < c.segments.size(); ++s) {
        std::string k = "s";
        k += std::to_string(s);
        const auto& cs = c.segments[s];
        const auto& ps = p.segments[s];
        metric(k + "rev", cs.revenue, ps.revenue);
        metric(k + "oi", cs.operatingIncome, ps.operatingIncome);
        const double mc = ratio(cs.operatingIncome, cs.revenue), mp = ratio(ps.operatingIncome, ps.revenue);
        t.set(k + "om_c", formatPercent(mc));
        t.set(k + "om_p", formatPercent(mp));
        t.set(k + "om_bps", bps(mp, mc));
        t.set(k + "om_dir", mc >= mp ? "increased" : "decreased");
        t.set(k + "acq", formatMillions(cs.acquiredRevenue));
        const double organic = ratio(cs.revenue - cs.acquiredRevenue - ps.revenue, ps.revenue);
        t.set(k + "organic_pct", formatPercent(std::fabs(organic)));
        t.set(k + "organic_dir", organic >= 0 ? "higher" : "lower");
        t.set(k + "svcshare", formatPercent(ratio(cs.serviceRevenue, cs.revenue), 0));
    }
}

} // namespace moescope
