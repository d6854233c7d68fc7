// CURVE key files (bus/curvekeys.h): generated keys round-trip, secrets are written owner-only
// and refused when others may read them, and damaged files are refused with a clear message.
#include "bus/curvekeys.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace hall::bus;

class TestCurveKeys : public QObject
{
    Q_OBJECT

private:
    static mode_t modeOf(const QString &path)
    {
        struct stat st {};
        return ::stat(QFile::encodeName(path).constData(), &st) == 0 ? st.st_mode & 0777 : 0;
    }
    static void writeText(const QString &path, const QByteArray &text, QFileDevice::Permissions perms)
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(text);
        f.close();
        QVERIFY(f.setPermissions(perms));
    }

private Q_SLOTS:
    void generateWriteRead()
    {
        QString error;
        const auto a = generateKeyPair(&error);
        const auto b = generateKeyPair(&error);
        QVERIFY2(a && b, qPrintable(error));
        QVERIFY(isZ85Key(a->publicKey) && isZ85Key(a->secretKey));
        QVERIFY(a->publicKey != b->publicKey && a->secretKey != a->publicKey);

        QTemporaryDir dir;
        const QString secret = dir.filePath(QStringLiteral("kiosk-1.key"));
        QVERIFY2(writeKeyFile(secret, *a, QStringLiteral("hall device kiosk-1\nrole kiosk"), &error), qPrintable(error));
        QCOMPARE(modeOf(secret), mode_t(0600));
        const auto back = readKeyFile(secret, &error);
        QVERIFY2(back, qPrintable(error));
        QCOMPARE(back->publicKey, a->publicKey);
        QCOMPARE(back->secretKey, a->secretKey);

        // A public-only file (the server's key handed to terminals) may be world-readable.
        const QString pub = dir.filePath(QStringLiteral("server.pub"));
        QVERIFY2(writeKeyFile(pub, KeyPair{a->publicKey, {}}, QStringLiteral("hall server"), &error), qPrintable(error));
        QVERIFY(QFile::setPermissions(pub, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadOther | QFileDevice::ReadGroup));
        const auto pubBack = readKeyFile(pub, &error);
        QVERIFY2(pubBack, qPrintable(error));
        QCOMPARE(pubBack->publicKey, a->publicKey);
        QVERIFY(pubBack->secretKey.isEmpty());
    }

    void refusals()
    {
        QString error;
        const auto a = generateKeyPair(&error);
        const auto b = generateKeyPair(&error);
        QVERIFY(a && b);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("k"));
        const auto owner = QFileDevice::ReadOwner | QFileDevice::WriteOwner;

        writeText(path, "public " + a->publicKey + "\nsecret " + a->secretKey + "\n", owner | QFileDevice::ReadOther);
        QVERIFY(!readKeyFile(path, &error));
        QVERIFY2(error.contains(QStringLiteral("others may read it; run: chmod 600")), qPrintable(error));

        writeText(path, "public " + b->publicKey + "\nsecret " + a->secretKey + "\n", owner);
        QVERIFY(!readKeyFile(path, &error));
        QVERIFY2(error.contains(QStringLiteral("does not belong to the secret key")), qPrintable(error));

        writeText(path, "# comment\npublic " + a->publicKey.left(39) + "\n", owner);
        QVERIFY(!readKeyFile(path, &error));
        QVERIFY2(error.contains(QStringLiteral("line 2: expected")), qPrintable(error));

        writeText(path, "public " + a->publicKey + "\npublic " + b->publicKey + "\n", owner);
        QVERIFY(!readKeyFile(path, &error));
        QVERIFY2(error.contains(QStringLiteral("line 2")), qPrintable(error));

        writeText(path, "secret " + a->secretKey + "\n", owner);
        QVERIFY(!readKeyFile(path, &error));
        QVERIFY2(error.contains(QStringLiteral("no public key")), qPrintable(error));

        QVERIFY(!readKeyFile(dir.filePath(QStringLiteral("missing")), &error));
        QVERIFY2(error.contains(QStringLiteral("cannot read")), qPrintable(error));

        QVERIFY(!writeKeyFile(path, KeyPair{"short", {}}, {}, &error));
        QVERIFY(!isZ85Key(QByteArray(40, '"'))); // '"' is not a Z85 character
    }
};

QTEST_APPLESS_MAIN(TestCurveKeys)
#include "tst_curvekeys.moc"
