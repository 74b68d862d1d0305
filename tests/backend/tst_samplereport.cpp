#include <QtTest>
class TestSampleReport : public QObject {
    Q_OBJECT
};
QTEST_GUILESS_MAIN(TestSampleReport)
#include "tst_samplereport.moc"
