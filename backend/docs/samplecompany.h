#pragma once
// Who the sample report's fictional company is: name, registrant details, people, business segments and their
// descriptions, properties. Everything is invented from word lists by the seed; no real company or person.

#include "docs/samplerng.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace moescope {

struct SamplePerson {
    std::string name;
    int age = 50;
    std::string title;
    int since = 2015; // year in the current role
    std::string background; // "previously served as ..." for officers, principal occupation for directors
};

struct SampleSegmentProfile {
    std::string name; // "Flow Control"
    std::string products; // "valves, pumps, actuators and flow meters"
    std::string productExamples; // specific product lines for the business description
    std::string markets; // end markets
    std::string customers;
    std::string channels;
    std::string competitors;
    std::string brands; // fictional brand names
    std::string materials; // principal raw materials
    std::string driver; // what demand depends on
    double serviceShare = 0.15; // share of the segment's revenue from services and software
    double productMargin = 0.38; // gross margin on products
    double serviceMargin = 0.45; // gross margin on services
    double margin = 0.18; // relative operating margin weight
    double growth = 0.05; // typical organic growth
    double international = 0.4; // share of revenue outside the United States
    std::vector<std::pair<std::string, std::string>> productLines; // name, description
    std::vector<std::string> endMarkets; // three, largest first (see sampleEndMarketDescription)
};

// A paragraph (template) describing an end market named in SampleSegmentProfile::endMarkets.
std::string_view sampleEndMarketDescription(std::string_view endMarket);

struct SampleProperty {
    std::string location;
    std::string use;
    std::string segment;
    int squareFeet = 0; // thousands
    bool owned = true;
};

struct SampleCompany {
    std::string name; // "Corventa Technologies, Inc."
    std::string shortName; // "Corventa"
    std::string ticker;
    std::string exchange = "New York Stock Exchange";
    std::string stateOfIncorporation = "Delaware";
    std::string irsNumber;
    std::string commissionFile;
    std::string street;
    std::string city;
    std::string state;
    std::string zip;
    std::string phone;
    std::string website;
    std::string auditor;
    std::string auditorCity;
    int auditorSince = 2005;
    int founded = 1958;
    int ipoYear = 1994;
    int fiscalYear = 2025;
    int employees = 14000;
    int countries = 30;
    double usEmployeeShare = 0.45;
    std::string acquisition; // the business acquired during the reported years
    int acquisitionYear = 2024;
    int acquisitionSegment = 0;
    std::string restructuringProgram; // name of the restructuring program
    std::vector<SamplePerson> officers; // [0] CEO, [1] CFO, [2] general counsel, [3] chief accounting officer
    std::vector<SamplePerson> directors;
    std::vector<SampleSegmentProfile> segments;
    std::vector<SampleProperty> properties;
    std::vector<std::pair<std::string, std::string>> subsidiaries; // name, jurisdiction

    const SamplePerson& ceo() const { return officers.at(0); }
    const SamplePerson& cfo() const { return officers.at(1); }
};

// Fills the product lines and end markets of the segment archetypes (samplesegments.cpp).
void addSampleSegmentDetail(std::vector<SampleSegmentProfile>& archetypes);

// Builds the company for a seed's random stream; 2 or 3 segments; fiscalYear is the latest reported year.
SampleCompany makeSampleCompany(SampleRng rng, int fiscalYear);

} // namespace moescope
