// Product lines and end markets of the sample company's segment archetypes.

#include "docs/samplecompany.h"

#include <map>

namespace moescope {

void addSampleSegmentDetail(std::vector<SampleSegmentProfile>& s)
{
    s[0].productLines = {
        { "Control valves and actuators",
            "Globe, rotary and severe-service control valves with pneumatic and electric actuators and digital "
            "positioners for throttling and isolation in demanding process conditions." },
        { "Pumps and metering systems",
            "Centrifugal, diaphragm and metering pumps and packaged dosing systems used to transfer and precisely "
            "inject fluids and chemicals." },
        { "Flow measurement",
            "Electromagnetic, ultrasonic and Coriolis flow meters and related transmitters for custody transfer, "
            "process control and network monitoring." },
        { "Aftermarket and services",
            "Replacement parts, repair and overhaul, valve diagnostics and on-site services for our installed base and "
            "for products of other manufacturers." },
    };
    s[0].endMarkets = { "Water and Wastewater", "Chemical and Process Industries", "Energy and Utilities" };
    s[1].productLines = {
        { "Metrology systems",
            "Coordinate measuring machines, optical scanners and inspection software used to verify the dimensions "
            "of precision components." },
        { "Analytical instruments",
            "Gas analyzers, spectrometers and laboratory balances used in quality control, environmental monitoring "
            "and research." },
        { "Test and measurement",
            "Electronic test equipment, calibrators and data acquisition systems for design validation and "
            "production testing." },
        { "Software and services",
            "Measurement software, calibration, application support and service contracts that keep our instruments "
            "operating at specification." },
    };
    s[1].endMarkets = { "Semiconductor and Electronics", "Life Sciences and Healthcare", "Aerospace and Defense" };
    s[2].productLines = {
        { "Servo systems",
            "Servo motors, drives and integrated motion controllers that provide precise control of position, speed "
            "and torque." },
        { "Linear motion",
            "Linear actuators, precision stages and ball screw assemblies used in automated equipment and "
            "instruments." },
        { "Power transmission",
            "Precision gearboxes, couplings and bearings for robotics, packaging and material handling equipment." },
        { "Aftermarket and services",
            "Replacement components, repair services and engineering support for machine builders and end users." },
    };
    s[2].endMarkets = { "Factory Automation", "Packaging and Material Handling", "Medical Devices" };
    s[3].productLines = {
        { "Pressure and temperature sensors",
            "Ruggedized transducers, transmitters and thermal sensors designed for high-pressure, high-temperature "
            "and corrosive environments." },
        { "Position and motion sensing",
            "Encoders, proximity sensors and inertial measurement units used for feedback and control in "
            "equipment." },
        { "Machine vision",
            "Smart cameras, vision controllers and software for inspection, guidance and identification." },
        { "Connectivity and monitoring",
            "Wireless condition monitoring nodes, gateways and analytics used to detect equipment faults before they "
            "cause unplanned downtime." },
    };
    s[3].endMarkets = { "Industrial Equipment", "Heating, Ventilation and Air Conditioning", "Transportation" };
    s[4].productLines = {
        { "Asset performance management",
            "Cloud-based and on-premises software that collects equipment data, predicts failures and schedules "
            "maintenance." },
        { "Remote monitoring services",
            "Subscription services in which our specialists monitor customer equipment and recommend corrective "
            "actions." },
        { "Calibration and repair",
            "Accredited calibration laboratories, mobile calibration services and multi-vendor repair of "
            "instrumentation." },
        { "Industrial analytics",
            "Process analytics, energy management and emissions reporting applications for plant operators." },
    };
    s[4].endMarkets = { "Energy and Utilities", "Chemical and Process Industries", "Life Sciences and Healthcare" };
    s[5].productLines = {
        { "Data center cooling",
            "Coolant distribution units, rear-door heat exchangers and liquid cooling systems for high-density "
            "computing." },
        { "Heat exchangers",
            "Brazed plate, gasketed plate and shell-and-tube heat exchangers for commercial buildings and industrial "
            "processes." },
        { "Power conversion",
            "Power distribution units, rectifiers and converters used in data centers, telecommunications and "
            "utility applications." },
        { "Service and aftermarket",
            "Commissioning, preventive maintenance, spare parts and upgrades for installed thermal and power "
            "systems." },
    };
    s[5].endMarkets = { "Data Centers", "Heating, Ventilation and Air Conditioning", "Energy and Utilities" };
}

std::string_view sampleEndMarketDescription(std::string_view endMarket)
{
    static const std::map<std::string_view, std::string_view> kText = {
        { "Water and Wastewater",
            "Municipal utilities and industrial users invest in water treatment, distribution and wastewater "
            "infrastructure to replace aging assets, meet stricter quality standards and reduce water loss. Our "
            "products are used to pump, control, dose and measure water and treatment chemicals. Demand in this "
            "market is supported by public funding programs and has historically been less cyclical than industrial "
            "markets." },
        { "Chemical and Process Industries",
            "Chemical, petrochemical, pharmaceutical and other process plants use our products to control and "
            "measure flows, pressures and temperatures safely and efficiently. Demand is driven by plant "
            "maintenance, debottlenecking and expansion projects, and increasingly by investments to reduce energy "
            "consumption and emissions." },
        { "Energy and Utilities",
            "Electric, gas and renewable energy producers and utilities use our products in generation, transmission, "
            "distribution and storage. Investments in grid modernization, renewable generation and the reliability "
            "of existing assets are important drivers of demand in this market." },
        { "Semiconductor and Electronics",
            "Semiconductor manufacturers and their equipment suppliers use our instruments to measure and inspect "
            "wafers, components and process conditions. Demand follows the capital spending cycle of the "
            "semiconductor industry, which is volatile but has grown over time with the increasing use of "
            "electronics and the construction of new fabrication capacity in the United States, Europe and Asia." },
        { "Life Sciences and Healthcare",
            "Pharmaceutical and biotechnology companies, contract research organizations, hospitals and laboratories "
            "use our products in research, quality control and production. This market is supported by research and "
            "development spending and by regulatory requirements for measurement and traceability." },
        { "Aerospace and Defense",
            "Aircraft manufacturers, their suppliers and defense contractors use our products to inspect precision "
            "components and to test systems. Demand is driven by aircraft production rates, which have increased as "
            "commercial air travel recovered, and by defense budgets." },
        { "Factory Automation",
            "Manufacturers in a wide range of industries automate production to improve productivity and quality and "
            "to address labor shortages. Our motion and sensing products are used in robots, machine tools, "
            "assembly equipment and automated inspection systems." },
        { "Packaging and Material Handling",
            "Packaging machinery builders, warehouse operators and logistics companies use our products in "
            "high-speed packaging lines, conveyors and automated storage and retrieval systems, where demand has "
            "been supported by the growth of e-commerce." },
        { "Medical Devices",
            "Medical device manufacturers use our precision motion and sensing components in imaging systems, "
            "surgical robots, laboratory automation and patient care equipment, where reliability and regulatory "
            "compliance are essential." },
        { "Industrial Equipment",
            "Manufacturers of compressors, pumps, hydraulic systems, off-highway vehicles and other equipment "
            "incorporate our sensors to monitor and control their products. Demand depends on production volumes of "
            "our customers and on the increasing use of sensors to add intelligence to equipment." },
        { "Heating, Ventilation and Air Conditioning",
            "Manufacturers and installers of heating, ventilation, air conditioning and refrigeration systems use "
            "our products to improve the efficiency and control of their equipment. Regulations promoting energy "
            "efficiency and the transition to low-global-warming-potential refrigerants and heat pumps support "
            "demand." },
        { "Transportation",
            "Manufacturers of commercial vehicles, rail equipment and their suppliers use our products in engines, "
            "braking, thermal management and electrified powertrains. Production volumes in this market are "
            "cyclical." },
        { "Data Centers",
            "Operators and builders of data centers use our thermal management and power products to cool and power "
            "increasingly dense computing equipment. Investment in artificial intelligence and cloud computing "
            "capacity has made this one of the fastest-growing markets we serve." },
    };
    const auto it = kText.find(endMarket);
    return it == kText.end() ? std::string_view() : it->second;
}

} // namespace moescope
