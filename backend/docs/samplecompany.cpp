#include "docs/samplecompany.h"

#include <algorithm>
#include <array>
#include <cstdio>

namespace moescope {

namespace {

// Coined names, chosen not to be those of listed companies.
const std::vector<std::string> kNameStems = { "Corventa", "Norvance", "Quellant", "Straeton", "Tessaryn", "Orvanne",
    "Halcyra", "Pellarin", "Brevane", "Maristel", "Ostrevin", "Caldrith", "Veskara", "Aldervane" };
const std::vector<std::string> kNameKinds = { "Technologies, Inc.", "Industries, Inc.", "Systems Corporation",
    "Instruments, Inc.", "Technologies Corporation" };
const std::vector<std::string> kFirstNames = { "James", "Margaret", "David", "Elena", "Robert", "Priya", "Thomas",
    "Karen", "Michael", "Susan", "Daniel", "Laura", "Christopher", "Angela", "Matthew", "Rebecca", "Andrew", "Nicole",
    "Jonathan", "Diane", "Steven", "Catherine", "Kevin", "Rachel", "Brian", "Julia", "Gregory", "Amanda", "Victor",
    "Helen", "Marcus", "Teresa", "Raymond", "Lydia", "Samuel", "Naomi" };
const std::vector<std::string> kLastNames = { "Whitfield", "Okafor", "Lindgren", "Castellano", "Brennan", "Nakamura",
    "Harrington", "Delacroix", "Sorensen", "Abernathy", "Kowalski", "Marchetti", "Thornton", "Valdez", "Ellison",
    "Prescott", "Hargrove", "Iverson", "Calloway", "Fairbanks", "Remington", "Oyelaran", "Holloway", "Sutherland",
    "Mercer", "Bratton", "Eckhardt", "Pemberton", "Ashworth", "Kessler", "Montague", "Rasmussen" };
const std::vector<std::string> kMiddleInitials
    = { "A.", "B.", "C.", "D.", "E.", "J.", "K.", "L.", "M.", "P.", "R.", "S.", "T.", "W." };

struct City {
    const char* city;
    const char* state;
    const char* zip;
    const char* area;
};
const std::vector<City> kCities
    = { { "Columbus", "Ohio", "43215", "614" }, { "Charlotte", "North Carolina", "28202", "704" },
          { "Milwaukee", "Wisconsin", "53202", "414" }, { "Minneapolis", "Minnesota", "55402", "612" },
          { "Indianapolis", "Indiana", "46204", "317" }, { "Pittsburgh", "Pennsylvania", "15222", "412" },
          { "Denver", "Colorado", "80202", "303" }, { "Raleigh", "North Carolina", "27601", "919" },
          { "Cleveland", "Ohio", "44114", "216" }, { "Hartford", "Connecticut", "06103", "860" } };
const std::vector<std::string> kStreets = { "Meridian Parkway", "Commerce Drive", "Lakeview Boulevard",
    "Innovation Way", "Corporate Center Drive", "Riverside Avenue", "Technology Parkway" };
const std::vector<std::string> kAuditors
    = { "Hartwell & Pryce LLP", "Ashby Lorne LLP", "Whitcombe Sterling LLP", "Graydon Ellis & Co. LLP" };
const std::vector<std::string> kAcquisitionNames = { "Brantley Controls", "Kellwick Systems", "Ardent Metrology",
    "Fenwick Motion", "Solace Sensing", "Harrowgate Thermal", "Lumenfield Analytics" };
const std::vector<std::string> kProgramNames
    = { "Operational Excellence", "Simplify and Scale", "Footprint Optimization", "Fit for Growth" };

std::vector<SampleSegmentProfile> segmentArchetypes()
{
    std::vector<SampleSegmentProfile> s(6);
    s[0] = { "Flow Control", "valves, pumps, actuators and flow meters",
        "severe-service control valves, smart positioners, metering pumps and ultrasonic flow meters",
        "water and wastewater, chemical processing, energy and food and beverage",
        "municipal utilities, engineering, procurement and construction firms, and original equipment manufacturers",
        "through a direct sales force, manufacturers' representatives and a network of independent distributors",
        "large diversified industrial manufacturers as well as regional valve and pump specialists",
        "Hydralyne, Corvex and TruSeal",
        "castings, forgings, stainless steel, specialty alloys and electronic components",
        "capital spending by process industries and municipal infrastructure investment", 0.22, 0.37, 0.46, 0.19, 0.045,
        0.45, {}, {} };
    s[1] = { "Precision Instruments", "analytical instruments, test and measurement equipment and metrology systems",
        "coordinate measuring systems, optical inspection equipment, gas analyzers and laboratory balances",
        "semiconductor, life sciences, aerospace and academic research",
        "semiconductor fabricators, contract research organizations, aerospace suppliers and research institutions",
        "primarily through a direct sales and applications engineering organization, supported by select distributors",
        "global instrumentation companies and numerous smaller companies focused on specific technologies",
        "Metrix, OptiCal and Veritas Lab", "optical components, precision machined parts, sensors and semiconductors",
        "research and development budgets, semiconductor capacity additions and quality-control requirements", 0.28,
        0.52, 0.55, 0.24, 0.06, 0.55, {}, {} };
    s[2] = { "Motion Technologies", "servo motors, drives, linear actuators, gearboxes and precision bearings",
        "integrated servo systems, high-precision linear stages, harmonic gearboxes and motion controllers",
        "factory automation, packaging, robotics, medical devices and material handling",
        "machine builders, robotics manufacturers, system integrators and industrial distributors",
        "through a combination of direct sales to large machine builders and an extensive distributor network",
        "multinational automation suppliers and specialized motion control manufacturers in Europe and Asia",
        "Servant, LinearOne and Axion Drive", "copper, steel, rare earth magnets, aluminum and electronic components",
        "manufacturing investment, warehouse automation and robotics adoption", 0.12, 0.35, 0.42, 0.16, 0.05, 0.50, {},
        {} };
    s[3] = { "Sensing Solutions", "pressure, temperature and position sensors, machine vision and connectivity modules",
        "harsh-environment pressure transducers, thermal sensors, vision systems and wireless condition monitoring "
        "nodes",
        "industrial equipment, heating, ventilation and air conditioning, medical and transportation",
        "original equipment manufacturers, tier-one suppliers and industrial end users",
        "primarily through direct sales to original equipment manufacturers and through electronic component "
        "distributors",
        "large sensor manufacturers, semiconductor companies and numerous specialized competitors",
        "SenseCore, ThermaTrak and Visent", "semiconductors, ceramics, precious metals and printed circuit boards",
        "production volumes of our original equipment manufacturer customers and the electrification of equipment",
        0.10, 0.40, 0.44, 0.20, 0.055, 0.52, {}, {} };
    s[4] = { "Digital Solutions", "asset performance software, industrial analytics and field services",
        "cloud-based asset performance management software, remote monitoring services and calibration and repair "
        "services",
        "utilities, oil and gas, chemicals, pharmaceuticals and discrete manufacturing",
        "plant operators, asset owners and maintenance organizations",
        "through a direct enterprise sales force, channel partners and our installed-base service organization",
        "enterprise software companies, automation vendors and independent service providers",
        "Asseta, CalPoint and Lumen Insight", "computing hardware, third-party software and test equipment",
        "customers' operating budgets and the adoption of predictive maintenance", 0.62, 0.48, 0.58, 0.26, 0.08, 0.40,
        {}, {} };
    s[5] = { "Thermal Systems", "heat exchangers, thermal management systems and power conversion equipment",
        "liquid cooling systems for data centers, brazed plate heat exchangers, chillers and power distribution units",
        "data centers, commercial buildings, utilities and industrial processing",
        "data center operators, mechanical contractors, original equipment manufacturers and utilities",
        "through direct sales to large accounts and a network of independent representatives and distributors",
        "global heating, ventilation and air conditioning manufacturers and specialized thermal management companies",
        "CoolPath, Thermion and GridStar", "copper, aluminum, stainless steel, compressors and power semiconductors",
        "data center construction, building efficiency upgrades and grid investment", 0.15, 0.31, 0.40, 0.15, 0.07,
        0.38, {}, {} };
    addSampleSegmentDetail(s);
    return s;
}

std::string personName(SampleRng& rng, std::vector<std::string>& used)
{
    for (;;) {
        std::string n = rng.pick(kFirstNames) + " "
            + (rng.chance(0.5) ? rng.pick(kMiddleInitials) + " " : std::string()) + rng.pick(kLastNames);
        const std::string last = n.substr(n.rfind(' ') + 1);
        if (std::find(used.begin(), used.end(), last) == used.end()) {
            used.push_back(last);
            return n;
        }
    }
}

std::string digits(SampleRng& rng, int n)
{
    std::string s;
    for (int i = 0; i < n; ++i)
        s.push_back(static_cast<char>('0' + rng.integer(0, 9)));
    return s;
}

} // namespace

SampleCompany makeSampleCompany(SampleRng rng, int fiscalYear)
{
    SampleCompany c;
    c.fiscalYear = fiscalYear;
    c.shortName = rng.pick(kNameStems);
    c.name = c.shortName + " " + rng.pick(kNameKinds);
    std::string ticker;
    for (char ch : c.shortName.substr(0, 4))
        ticker.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(ch))));
    if (rng.chance(0.5))
        ticker.pop_back();
    c.ticker = ticker;
    c.exchange = rng.chance(0.7) ? "New York Stock Exchange" : "Nasdaq Global Select Market";
    c.irsNumber = digits(rng, 2) + "-" + digits(rng, 7);
    if (c.irsNumber[0] == '0')
        c.irsNumber[0] = '3';
    c.commissionFile = "001-" + std::to_string(rng.integer(31000, 39999));
    const City& city = kCities[static_cast<std::size_t>(rng.integer(0, static_cast<int>(kCities.size()) - 1))];
    c.street = std::to_string(rng.integer(1, 48) * 100) + " " + rng.pick(kStreets);
    c.city = city.city;
    c.state = city.state;
    c.zip = city.zip;
    c.phone = std::string("(") + city.area + ") " + digits(rng, 3) + "-" + digits(rng, 4);
    std::string lower;
    for (char ch : c.shortName)
        lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
    c.website = "www." + lower + ".com";
    c.auditor = rng.pick(kAuditors);
    c.auditorCity = c.city;
    c.auditorSince = rng.integer(1998, 2012);
    c.founded = rng.integer(1921, 1978);
    c.ipoYear = rng.integer(std::max(c.founded + 15, 1985), 2004);
    c.restructuringProgram = rng.pick(kProgramNames);

    auto archetypes = segmentArchetypes();
    const int segments = rng.chance(0.75) ? 3 : 2;
    for (int i : rng.orderedSubset(static_cast<int>(archetypes.size()), segments))
        c.segments.push_back(archetypes[static_cast<std::size_t>(i)]);
    c.acquisition = rng.pick(kAcquisitionNames);
    c.acquisitionYear = fiscalYear - 1;
    c.acquisitionSegment = rng.integer(0, segments - 1);

    std::vector<std::string> used;
    auto officer = [&](const std::string& title, int minAge, int maxAge, const std::string& background) {
        SamplePerson p { personName(rng, used), rng.integer(minAge, maxAge), title, rng.integer(2014, fiscalYear - 1),
            background };
        c.officers.push_back(p);
    };
    officer("Chairman, President and Chief Executive Officer", 54, 63,
        "served as our Chief Operating Officer and, before that, as President of our largest segment");
    officer("Executive Vice President and Chief Financial Officer", 47, 58,
        "served as Chief Financial Officer of a publicly traded specialty materials company and held finance "
        "leadership "
        "roles at a global diversified industrial company");
    officer("Senior Vice President, General Counsel and Corporate Secretary", 46, 60,
        "served as Deputy General Counsel of a multinational manufacturing company and was a partner at a national law "
        "firm");
    officer("Vice President, Corporate Controller and Chief Accounting Officer", 42, 55,
        "served as our Assistant Controller and previously held audit positions at an international accounting firm");
    for (const auto& s : c.segments)
        officer("Executive Vice President and President, " + s.name, 45, 59,
            "led our " + s.name + " business in Europe and held general management roles in the segment");
    officer("Senior Vice President and Chief Human Resources Officer", 44, 58,
        "led human resources for the industrial businesses of a global conglomerate");
    officer("Senior Vice President and Chief Technology Officer", 43, 57,
        "led engineering and product development for a global automation supplier");

    const std::vector<std::string> occupations
        = { "Retired Chief Executive Officer of a global specialty chemicals company",
              "Former Chief Financial Officer of a diversified industrial manufacturer",
              "Managing Partner of a private investment firm focused on industrial technology",
              "Retired Executive Vice President, Operations, of an aerospace components supplier",
              "Former President of the North American business of an automation company",
              "Chief Information Officer of a national healthcare system",
              "Retired Partner of an international accounting firm",
              "Professor of Engineering and former dean of a school of engineering",
              "Former Chief Executive Officer of a publicly traded water technology company" };
    c.directors.push_back({ c.ceo().name, c.ceo().age, "Chairman of the Board", c.ceo().since, "" });
    for (int i : rng.orderedSubset(static_cast<int>(occupations.size()), 8)) {
        SamplePerson d { personName(rng, used), rng.integer(52, 72), "Director", rng.integer(2008, fiscalYear - 1),
            occupations[static_cast<std::size_t>(i)] };
        c.directors.push_back(d);
    }

    c.employees = rng.integer(90, 190) * 100;
    c.countries = rng.integer(22, 41);
    c.usEmployeeShare = rng.uniform(0.38, 0.52);

    const std::vector<std::string> plantSites = { "Monterrey, Mexico", "Suzhou, China", "Brno, Czech Republic",
        "Pune, India", "Greenville, South Carolina", "Dayton, Ohio", "Kitchener, Ontario, Canada", "Erlangen, Germany",
        "Penang, Malaysia", "Tulsa, Oklahoma", "Eindhoven, the Netherlands", "Knoxville, Tennessee",
        "Guadalajara, Mexico", "Wroclaw, Poland", "Rochester, New York", "Chonburi, Thailand", "Houston, Texas",
        "Lyon, France", "Sheffield, United Kingdom", "Chennai, India", "Tianjin, China", "Osaka, Japan",
        "Sao Paulo, Brazil", "Reynosa, Mexico", "Spartanburg, South Carolina", "Madison, Wisconsin", "Bologna, Italy",
        "Singapore", "Cork, Ireland", "Louisville, Kentucky", "Salt Lake City, Utah", "Stuttgart, Germany" };
    c.properties.push_back(
        { c.city + ", " + c.state, "Corporate headquarters", "Corporate", rng.integer(90, 180), true });
    auto sites = rng.orderedSubset(static_cast<int>(plantSites.size()), std::min<int>(8 * segments, 30));
    for (std::size_t i = 0; i < sites.size(); ++i) {
        const auto& seg = c.segments[i % c.segments.size()];
        const bool plant = rng.chance(0.65);
        c.properties.push_back({ plantSites[static_cast<std::size_t>(sites[i])],
            plant ? "Manufacturing and engineering"
                  : (rng.chance(0.5) ? "Distribution and service" : "Research and development"),
            seg.name, rng.integer(plant ? 120 : 40, plant ? 540 : 160), rng.chance(0.6) });
    }
    std::stable_sort(c.properties.begin() + 1, c.properties.end(),
        [](const SampleProperty& a, const SampleProperty& b) { return a.segment < b.segment; });

    // Subsidiaries: holding, operating and service companies in the countries where the company does business.
    struct Jurisdiction {
        const char* name;
        const char* suffix;
    };
    const std::vector<Jurisdiction> places = { { "Delaware", "LLC" }, { "Germany", "GmbH" },
        { "the Netherlands", "B.V." }, { "Mexico", "S. de R.L. de C.V." }, { "China", "Co., Ltd." },
        { "United Kingdom", "Limited" }, { "India", "Private Limited" }, { "Canada", "ULC" }, { "Japan", "K.K." },
        { "Singapore", "Pte. Ltd." }, { "Czech Republic", "s.r.o." }, { "Poland", "Sp. z o.o." }, { "Brazil", "Ltda." },
        { "Ireland", "Limited" }, { "France", "SAS" }, { "Italy", "S.r.l." }, { "Spain", "S.L.U." }, { "Sweden", "AB" },
        { "Switzerland", "AG" }, { "Australia", "Pty Ltd" }, { "South Korea", "Co., Ltd." },
        { "Malaysia", "Sdn. Bhd." }, { "Thailand", "Co., Ltd." }, { "Luxembourg", "S.a r.l." }, { "Belgium", "BV" },
        { "Austria", "GmbH" }, { "Denmark", "ApS" }, { "United Arab Emirates", "FZE" }, { "South Africa", "(Pty) Ltd" },
        { "Texas", "LLC" } };
    const std::vector<std::string> roles
        = { "Holdings", "International", "Services", "Manufacturing", "Sales", "Finance", "Technologies" };
    for (std::size_t i = 0; i < places.size() && static_cast<int>(i) < c.countries + 4; ++i) {
        const int n = i < 3 ? 4 : rng.integer(1, 3);
        for (int k = 0; k < n; ++k) {
            std::string name = c.shortName + " ";
            if (k == 0 && i < c.segments.size() * 3 && rng.chance(0.5))
                name += c.segments[i % c.segments.size()].name + " ";
            else
                name += roles[static_cast<std::size_t>((i + static_cast<std::size_t>(k) * 3) % roles.size())] + " ";
            name += places[i].suffix;
            if (std::find_if(
                    c.subsidiaries.begin(), c.subsidiaries.end(), [&](const auto& p) { return p.first == name; })
                == c.subsidiaries.end())
                c.subsidiaries.push_back({ name, places[i].name });
        }
    }
    c.subsidiaries.push_back({ c.acquisition + " LLC", "Delaware" });
    c.subsidiaries.push_back({ c.acquisition + " GmbH", "Germany" });
    std::sort(c.subsidiaries.begin(), c.subsidiaries.end());
    return c;
}

} // namespace moescope
