#!/usr/bin/env python3
"""The labelled corpus for `sokenh eval`: posts in the voice of village Facebook and Zalo groups.

Each family (a scam script, a kind of threat, a kind of hard negative ...) has several templates.
Templates, not examples, are split: a family's templates 0, 1, 3, 4, 6, ... went to `dev` (rules and
the default model are written and trained looking at these) and templates 2, 5, 8, ... to the first
`test` split. That split's errors were read while rules were written, so it is kept as
`dev/retired-test.jsonl`, and `test/` now holds a second split (`F2` below) written afterwards from
new templates, whose figures only are read. Slots are filled and the voice varied (no diacritics, teencode, emoji
between words, mathematical bold letters, letters split by dots, zero-width characters, phone numbers
digit by digit or dotted, links with and without a scheme) from a fixed seed, so the files are the
same on every run: `python3 crates/detect/eval/corpus/generate.py` rewrites dev/posts.jsonl,
dev/retired-test.jsonl and test/posts.jsonl.

Names, numbers, links and accounts are made up.
"""
import json, os, random, unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 20261130

XA = ["Thạch Quảng", "Thạch Bình", "Quảng Phú", "Yên Lạc", "Tân Tiến", "Đông Sơn", "Hòa Bình", "Xuân Lộc"]
THON = ["thôn Đồng Tâm", "thôn Tân Sơn", "xóm Bãi", "thôn Trung", "làng Vạn", "thôn 3", "xóm Chùa", "thôn Phú Thượng"]
NAMES = ["Nguyễn Văn Hùng", "Lê Thị Mai", "Trần Văn Bình", "Phạm Thị Hoa", "Hoàng Văn Nam", "Đỗ Thị Lan", "Vũ Đức Minh", "Bùi Thị Hạnh"]
SHORT = ["Hùng", "Mai", "Bình", "Hoa", "Nam", "Lan", "Minh", "Hạnh", "Tuấn", "Dũng"]
BANKS = ["Vietcombank", "Agribank", "BIDV", "Vietinbank", "Techcombank", "MB Bank", "Sacombank", "VPBank", "TPBank", "ACB"]
WALLETS = ["MoMo", "ZaloPay", "ViettelPay", "VNPay", "ShopeePay"]
SHOPS = ["Shopee", "Lazada", "Tiki", "TikTok Shop", "Sendo"]
SHIP = ["Giao Hàng Nhanh", "Viettel Post", "J&T Express", "GHTK", "Bưu điện", "Ninja Van"]
AIR = ["Vietnam Airlines", "Vietjet", "Bamboo Airways"]
EMO = ["🔥", "💰", "✅", "👉", "⚡", "🎁", "❤️", "🙏", "😱", "📢", "💯", "👇"]
FAKE_DOMAINS = ["vietcombank-hotro.com", "vcb-digibank.vn.com", "agribank.com.vn-xacthuc.top", "momo-uudai.shop",
                "shopee-tuyendung.xyz", "evn-thanhtoan.info", "xn--vietcmbank-ivi.com", "tpbank.vn.hotro-khachhang.com",
                "ghn-giaohang.click", "lazada-ctv.top", "nhanqua-tructuyen.site", "vaytien-nhanh.online"]
GOV_DOMAINS = ["dichvucong-gov.vn", "vneid-capnhat.com", "bhxh-vssid.net", "thue-dientu.online", "congan-xacminh.site",
               "dichvucong.gov.vn.xacthuc.top", "vneid.gov-vn.info"]
APKS = ["vneid-moi.apk", "dichvucong.apk", "bhxh.apk", "thue-etax.apk", "evn-cskh.apk"]
SHORTS = ["bit.ly/nhan-qua-2026", "tinyurl.com/hotro-vay", "bit.ly/vieclam-online", "cutt.ly/quatang", "s.id/dinhdanh2"]

def phone(r):
    n = "0" + r.choice(["9", "8", "3", "7", "5"]) + "".join(r.choice("0123456789") for _ in range(8))
    style = r.randrange(6)
    if style == 0: return n
    if style == 1: return n[:4] + "." + n[4:7] + "." + n[7:]
    if style == 2: return n[:4] + " " + n[4:7] + " " + n[7:]
    if style == 3: return " ".join(n)
    if style == 4: return n[:3] + "-" + n[3:6] + "-" + n[6:]
    return "0" + n[1:4] + "." + n[4:7] + "." + n[7:]

def link(r, dom=None):
    d = dom or r.choice(FAKE_DOMAINS)
    s = r.randrange(3)
    return ("https://" if s == 0 else "http://" if s == 1 else "") + d + r.choice(["", "/xac-thuc", "/nhan-tien", "/dang-ky", "/login"])

def money(r):
    return r.choice(["500k", "1 triệu", "2tr", "350.000đ", "1.500.000 đồng", "3 triệu", "200k", "5tr", "10 triệu", "800 nghìn"])

def stk(r):
    return "".join(r.choice("0123456789") for _ in range(r.choice([10, 12, 13])))

def cccd(r):
    return "0" + r.choice(["38", "40", "01", "79", "36"]) + r.choice("0123") + r.choice(["85", "90", "72", "01", "99"]) + "".join(r.choice("0123456789") for _ in range(6))

def fill(r, t):
    slots = {
        "xa": lambda: r.choice(XA), "thon": lambda: r.choice(THON), "name": lambda: r.choice(NAMES),
        "short": lambda: r.choice(SHORT), "bank": lambda: r.choice(BANKS), "wallet": lambda: r.choice(WALLETS),
        "shop": lambda: r.choice(SHOPS), "ship": lambda: r.choice(SHIP), "air": lambda: r.choice(AIR),
        "phone": lambda: phone(r), "link": lambda: link(r), "govlink": lambda: link(r, r.choice(GOV_DOMAINS)), "apk": lambda: r.choice(APKS),
        "short_link": lambda: r.choice(SHORTS), "money": lambda: money(r), "stk": lambda: stk(r),
        "cccd": lambda: cccd(r), "pct": lambda: str(r.choice([3, 5, 8, 10, 15, 20, 30])),
        "day": lambda: str(r.randint(1, 28)), "month": lambda: str(r.randint(1, 12)),
        "num": lambda: str(r.randint(2, 450)), "hour": lambda: str(r.randint(6, 21)),
        "emo": lambda: r.choice(EMO),
    }
    out, i = [], 0
    while i < len(t):
        if t[i] == "{":
            j = t.index("}", i)
            out.append(slots[t[i + 1:j]]())
            i = j + 1
        else:
            out.append(t[i]); i += 1
    return "".join(out)

# ---- voices -------------------------------------------------------------------------------------

TEEN = [("không", "ko"), ("không", "k"), ("được", "dc"), ("inbox", "ib"), ("mọi người", "mn"), ("anh em", "ae"),
        ("nhân viên", "nv"), ("biết", "bít"), ("vậy", "z"), ("rồi", "r"), ("gì", "j"), ("nhé", "nha"),
        ("chuyển khoản", "ck"), ("số tài khoản", "stk"), ("trước", "trc"), ("với", "vs"), ("thì", "thì")]

def strip_marks(s):
    s = s.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", s) if unicodedata.category(c) != "Mn")

def math_bold(w):
    out = []
    for c in unicodedata.normalize("NFD", w):
        if "A" <= c <= "Z": out.append(chr(0x1D400 + ord(c) - 65))
        elif "a" <= c <= "z": out.append(chr(0x1D41A + ord(c) - 97))
        else: out.append(c)
    return "".join(out)

def voice(r, s, kind):
    """Varies how a post is written; `kind` 'pos' posts are obfuscated more often (as spammers do)."""
    if r.random() < 0.3:
        for a, b in TEEN:
            if a in s and r.random() < 0.6: s = s.replace(a, b)
    if r.random() < 0.25: s = strip_marks(s)
    if r.random() < 0.2:
        ws = s.split(" ")
        for _ in range(r.randint(1, 3)):
            k = r.randrange(len(ws)); ws[k] = ws[k] + " " + r.choice(EMO)
        s = " ".join(ws)
    p = 0.22 if kind == "pos" else 0.1
    if r.random() < p:
        ws = s.split(" ")
        k = r.randrange(len(ws))
        trick = r.randrange(4)
        cand = [i for i, w in enumerate(ws) if len(w) >= 3 and w.isalpha()]
        if cand:
            k = r.choice(cand[: max(1, len(cand) // 2)] if r.random() < 0.5 else cand)
            w = ws[k]
            if trick == 0: ws[k] = math_bold(w)
            elif trick == 1: ws[k] = ".".join(w)
            elif trick == 2: ws[k] = " ".join(w)
            else: ws[k] = "\u200b".join(w)
        s = " ".join(ws)
    if r.random() < 0.15: s = s.upper() if r.random() < 0.3 else s.lower()
    if r.random() < 0.2: s = s + " " + r.choice(EMO) * r.randint(1, 3)
    return s

# ---- families -----------------------------------------------------------------------------------
# (family, labels, hard_negative, templates)
F = []
def fam(name, labels, templates, hard=False):
    F.append((name, labels, hard, templates))

S = ["scam"]; SI = ["scam", "impersonation"]; I = ["impersonation"]; L = ["secret_leak"]; P = ["personal_data"]; T = ["threat"]; N = []

# -- scams: the scripts people meet ------------------------------------------------------------
fam("fake_police", SI, [
    "Tôi là cán bộ Công an quận, số CMND của anh liên quan đường dây rửa tiền, yêu cầu anh chuyển tiền vào tài khoản tạm giữ {stk} để xác minh, không được nói với ai",
    "Alo chị {short} phải không, đây là Viện kiểm sát, chị có lệnh bắt tạm giam vì liên quan vụ án ma túy, muốn chứng minh trong sạch thì chuyển {money} sang tài khoản của cơ quan điều tra ngay hôm nay",
    "Công an TP gửi giấy triệu tập: tài khoản ngân hàng của bạn đang bị điều tra, để được xác minh vui lòng cài ứng dụng tại {govlink} và làm theo hướng dẫn của cán bộ",
    "Tòa án nhân dân thông báo anh/chị có đơn kiện nợ, phiên xử vào ngày mai, liên hệ thư ký tòa số {phone} và nộp tiền tạm ứng án phí {money} để hoãn",
    "Em là thượng úy công an phường, hồ sơ định danh của anh bị lỗi, anh đọc giúp em mã OTP vừa gửi về máy để em cập nhật cho kịp",
    "Cục Cảnh sát thông báo: số điện thoại của quý vị bị dùng để lừa đảo, trong 2 giờ nữa sẽ bị khóa, bấm phím 9 hoặc kết bạn zalo {phone} để gặp điều tra viên",
])
fam("tax_power_water", SI, [
    "Chi cục Thuế thông báo hộ kinh doanh của bạn còn nợ thuế {money}, đề nghị tải ứng dụng eTax mới tại {govlink} để quyết toán trước ngày {day}/{month}, quá hạn sẽ bị phạt",
    ("Điện lực {xa} thông báo: nhà anh chị nợ tiền điện 2 kỳ, sẽ cắt điện trong hôm nay, chuyển khoản ngay {money} vào stk {stk} {bank} để được cấp điện lại", S),
    ("CÔNG TY CẤP NƯỚC: hóa đơn tiền nước tháng {month} của quý khách quá hạn, thanh toán qua đường link {link} trước 17h để tránh bị ngừng cấp nước", S),
    ("Nhân viên điện lực đây ạ, để được hoàn tiền điện do tính sai chỉ số anh chị kết bạn zalo {phone} rồi cài app EVN theo link em gửi nhé", S),
    "Cơ quan thuế yêu cầu cá nhân có thu nhập từ mạng xã hội kê khai lại, vào {govlink} nhập số tài khoản và mật khẩu ngân hàng để hoàn thuế {money}",
    "Thông báo từ tổng cục thuế: MST cá nhân của bạn bị khóa, nộp phí mở khóa {money} qua {wallet} số {phone} trong 24h",
])
fam("vssid_vneid", SI, [
    "Bảo hiểm xã hội thông báo: sổ BHXH của bạn chưa đồng bộ VssID, cài bản cập nhật {apk} tại {govlink} để nhận tiền trợ cấp {money}",
    "Công an xã hỗ trợ bà con định danh mức 2 tại nhà, chỉ cần kết bạn zalo {phone}, gửi ảnh CCCD 2 mặt và đọc mã OTP cho cán bộ",
    "VNeID đã có phiên bản mới, ai chưa kích hoạt định danh điện tử mức 2 thì tải file {apk} về máy cài đặt để không bị khóa tài khoản ngân hàng nhé",
    "Cán bộ BHXH huyện: chị được rút bảo hiểm một lần {money}, bấm vào {govlink} điền số tài khoản và mã xác nhận để nhận tiền trong ngày",
    "tk vneid cua ban sap bi vo hieu hoa, vui long cap nhat thong tin tai {govlink} trong hom nay",
    ("Hỗ trợ làm lại VssID, tích hợp bằng lái vào VNeID online không cần lên công an, phí {money}, ib zalo {phone}", S),
])
fam("relative_hospital", S, [
    "Chị ơi em là bác sĩ bệnh viện tỉnh, con chị bị tai nạn đang cấp cứu, cần mổ gấp, chị chuyển ngay {money} vào stk {stk} để bệnh viện làm thủ tục",
    "Cô {short} ơi, cháu là bạn cùng lớp của con cô, bạn ấy bị ngã chấn thương sọ não đang ở phòng cấp cứu, cô chuyển tiền viện phí qua tài khoản của cháu {stk} nhé gấp lắm",
    "Thầy giáo chủ nhiệm đây, cháu nhà mình bị ngộ độc đang cấp cứu, phụ huynh chuyển khoản trước {money} tạm ứng cho bệnh viện rồi lên sau",
    "Anh ơi em {short} đây, em đổi số, mẹ em nhập viện cấp cứu mà em kẹt tiền, anh ck cho em mượn {money} vào stk {stk} {bank}, tối em trả",
    "Người nhà bệnh nhân {name} chú ý: bệnh nhân đang nguy kịch cần truyền máu, gia đình chuyển phí {money} vào tài khoản khoa cấp cứu {stk} để kịp xử lý",
])
fam("parcel_cod", S, [
    "Bạn có 1 đơn hàng {ship} bị giữ lại do sai địa chỉ, vui lòng cập nhật tại {link} và thanh toán phí lưu kho 15k để giao lại",
    "Shipper đây ạ, đơn COD của chị đã giao, phí ship {money} chị chuyển giúp em vào stk {stk} em để hàng trước cổng nhé",
    "Bưu phẩm từ nước ngoài gửi cho bạn đang bị hải quan giữ, nộp thuế và phí thông quan {money} qua tài khoản {stk} để nhận hàng",
    "{ship}: đơn hàng của quý khách giao không thành công, bấm {link} để hẹn lại lịch giao, phí 12.000đ",
    "Chị ơi có kiện hàng giá trị gửi chị, có cả quà tặng kèm, chị đóng phí bảo hiểm hàng hóa {money} em gửi ngay trong ngày",
])
fam("task_job", S, [
    "Tuyển CTV làm nhiệm vụ online trên {shop}, mỗi đơn hoa hồng {pct}%, nạp trước {money} rút về ngay, ib em {phone}",
    "Việc làm thêm tại nhà cho mẹ bỉm, chỉ cần điện thoại, làm nhiệm vụ thả tim like video nhận 50k-300k/nhiệm vụ, kết bạn zalo {phone} nha",
    "Cần {num} bạn chốt đơn ảo cho shop, nạp đơn hoàn tiền + hoa hồng {pct}%, không mất phí, làm 1-2h/ngày thu nhập 500k",
    "Nhiệm vụ hôm nay: nạp {money} làm 3 đơn, hệ thống hoàn gốc và thưởng 30%, ai muốn tham gia ib {emo}",
    "viec nhe luong cao, ko can kinh nghiem, chi can co tk ngan hang, ib em huong dan, luong ve ngay trong ngay",
    "TUYỂN GẤP nhân viên đánh giá sản phẩm, viết review 5 sao cho {shop}, thu nhập 8-15tr/tháng, đóng phí đồng phục {money} để nhận việc",
    "Tham gia nhóm Telegram nhận nhiệm vụ tăng tương tác, hoa hồng cao, nạp càng nhiều nhận càng lớn, link nhóm {link}",
])
fam("loan_fee", S, [
    "Hỗ trợ vay vốn không thế chấp, chỉ cần CCCD, giải ngân trong 30 phút, nợ xấu vẫn vay được, ib {phone}",
    "Bên em cho vay tiêu dùng 50tr lãi suất 0.8%, hồ sơ đã duyệt, anh chị đóng phí bảo hiểm khoản vay {money} để giải ngân ngay",
    "Vay online qua app uy tín, duyệt 5 phút, tải app tại {link} nhập thông tin là có tiền",
    "Khoản vay của bạn bị treo do sai số tài khoản, nộp {money} để mở khóa giải ngân, liên hệ nv tư vấn {phone}",
    "Cần tiền gấp? Vay 10-100 triệu không gặp mặt, không thẩm định, ck phí hồ sơ là nhận tiền liền",
])
fam("prize_gift", S, [
    "Chúc mừng số điện thoại của bạn trúng thưởng xe SH trong chương trình tri ân khách hàng của {shop}, nộp phí trước bạ {money} để nhận giải",
    "🎁 Quay số may mắn: bạn nhận được phần quà 5 triệu, bấm {short_link} để nhận quà ngay, hết hạn trong hôm nay",
    "{wallet} tri ân: tài khoản của bạn được tặng {money}, đăng nhập tại {link} để nhận, nhập OTP để xác nhận",
    "Bạn là khách hàng may mắn nhận iPhone 15 từ chương trình sinh nhật, chỉ cần thanh toán phí vận chuyển 99k",
    "Chuc mung ban trung giai nhi chuong trinh cua dai truyen hinh, lien he {phone} de lam thu tuc nhan thuong",
])
fam("account_recovery", S, [
    "Nhận lấy lại tài khoản Facebook bị hack, bị khóa checkpoint, mở khóa 100%, uy tín, phí rẻ, ib {phone}",
    "Ai bị mất nick zalo, fb ib mình hỗ trợ lấy lại trong 1h, có bảo hành, chỉ cần gửi mã xác nhận",
    "Dịch vụ khôi phục tài khoản ngân hàng bị lừa, lấy lại tiền đã mất, thu phí sau khi hoàn thành, chỉ cần đặt cọc trước {money}",
    "Bạn bị lừa đảo online? Đội ngũ hacker mũ trắng giúp thu hồi tiền bị lừa 100%, liên hệ {phone}",
])
fam("fake_charity", S, [
    "Mọi người ơi giúp cháu bé {thon} bị ung thư máu, gia đình không còn gì, ai ủng hộ xin chuyển về stk {stk} {bank} tên mẹ cháu",
    "Kêu gọi ủng hộ bà con vùng lũ, mình trực tiếp đi trao, mọi người ck vào tk cá nhân {stk} giúp mình, sẽ sao kê sau",
    "Quỹ từ thiện Tấm Lòng Vàng tuyển tình nguyện viên, đóng phí tham gia {money} để nhận thẻ và nhận hỗ trợ 5 triệu",
    "Cứu trợ khẩn cấp: hộ nghèo ở {thon} bị cháy nhà, xin mọi người chung tay, chuyển khoản qua {wallet} {phone}",
])
fam("investment", S, [
    "Đầu tư vàng, forex cùng chuyên gia, lợi nhuận {pct}%/tuần, cam kết không lỗ, vào nhóm zalo {phone} để được hướng dẫn",
    "Sàn tiền ảo mới, nạp 1 triệu sau 1 tháng nhận 10 triệu, rút tiền bất cứ lúc nào, đăng ký tại {link}",
    "Góp vốn nuôi heo, trồng sâm theo hợp đồng, lãi {pct}% một tháng, đã có hàng trăm người nhận lãi, ib để nhận hợp đồng",
    "Chỉ với {money} vốn ban đầu, chị đã kiếm 30 triệu/tháng nhờ đầu tư chứng khoán Mỹ, ai muốn học inbox chị kèm 1-1",
    "Tham gia dự án coin mới, x10 tài khoản trong 7 ngày, nạp USDT vào ví theo link {link}",
])
fam("bank_brandname", S, [
    "[{bank}] Tài khoản của quý khách sẽ bị tạm khóa do chưa cập nhật sinh trắc học, vui lòng truy cập {link} để xác thực trước 24h",
    "{bank} thông báo: giao dịch {money} từ tài khoản của bạn đang chờ xử lý, nếu không phải bạn hủy tại {link}",
    "Quý khách được nâng hạn mức thẻ tín dụng {bank} lên 80 triệu, đăng nhập {link} và nhập mã OTP để kích hoạt",
    "{wallet}: ví của bạn có dấu hiệu bất thường, xác minh danh tính tại {link} nếu không ví sẽ bị khóa vĩnh viễn",
    "KHÁCH HÀNG {bank} CHÚ Ý: điểm thưởng của quý khách sắp hết hạn, đổi quà tại {link}",
])
fam("course_airline_study", S, [
    "Hoàn tiền khóa học tiếng Anh online đã đăng ký: để nhận lại {money} anh/chị cung cấp số thẻ và mã OTP cho bộ phận kế toán",
    "Đại lý vé máy bay {air} giá rẻ Tết, vé khứ hồi chỉ {money}, chuyển khoản giữ chỗ trước, ib {phone}",
    "Học bổng du học Nhật Bản toàn phần, không cần tiếng, đóng phí hồ sơ {money} để được xét duyệt sớm",
    "Bạn được chọn nhận học bổng {money} của quỹ khuyến học, điền thông tin tài khoản ngân hàng tại {link}",
    "Vé {air} của quý khách bị hủy do đổi lịch, để được hoàn tiền liên hệ tổng đài {phone} và cung cấp mã OTP",
])
fam("romance_deepfake", S, [
    "Anh là kỹ sư người Mỹ làm việc tại Syria, anh gửi cho em thùng quà có tiền đô và trang sức, em đóng phí hải quan {money} để nhận nhé",
    "Vừa gọi video cho em rồi đó, thấy mặt anh rồi nhé, giờ em chuyển gấp anh {money} vào stk {stk} anh đang kẹt ở sân bay",
    "Mẹ ơi con bị hỏng điện thoại, đây là số mới của con, mẹ chuyển cho con {money} đóng học phí gấp nhé, đừng gọi con đang học",
    "Em gái xinh ở gần đây muốn kết bạn tâm sự, nạp thẻ {money} để mở khóa video call riêng",
])
fam("fake_docs_for_sale", S, [
    "Nhận làm bằng lái xe A1, B2 không cần thi, có hồ sơ gốc, ib zalo {phone}",
    "Làm căn cước, sổ đỏ, giấy khai sinh nhanh, có người nhà trong cơ quan lo hết, phí trọn gói {money}",
    "Bán bằng đại học, bằng cấp 3, chứng chỉ tiếng Anh có tra cứu trên web, giao hàng toàn quốc",
    "Chạy hồ sơ xin việc vào UBND, biên chế giáo viên, cọc trước {money}, ib kín",
])
fam("ecom_ctv", S, [
    "{shop} tuyển cộng tác viên bán hàng online tại nhà, không cần vốn, nhận hoa hồng {pct}% mỗi đơn, đặt cọc kho hàng {money}",
    "Tuyển đại lý phân phối cho {shop} mall, nhập hàng về bán không cần vốn, ib nhận hàng trước trả tiền sau, nhưng chuyển cọc trước nhé",
    "Bạn được chọn làm nhân viên chăm sóc gian hàng {shop}, nhận lương theo ngày, vào link {link} để đăng ký tài khoản nhân viên",
])
fam("fake_link_request", SI, [
    "Cổng dịch vụ công thông báo: hồ sơ của bạn đã được duyệt, đăng nhập {govlink} bằng tài khoản VNeID để nhận kết quả",
    "UBND xã thông báo chi trả trợ cấp cho người cao tuổi, bà con đăng ký nhận tại {govlink} bằng số CCCD và số tài khoản",
    # A government portal's look-alike is impersonation too, whoever the post claims to be.
    "Hỗ trợ người lao động mất việc 3 triệu đồng từ gói an sinh, đăng ký tại {govlink} trước ngày {day}/{month}",
])

# -- impersonation written in text -------------------------------------------------------------
fam("new_official_page", I, [
    "Đây là trang chính thức mới của UBND xã {xa}, trang cũ đã bị khóa, bà con theo dõi trang này để nhận thông báo và làm thủ tục qua tin nhắn",
    "Công an xã {xa} thông báo: fanpage cũ bị hack, từ nay mọi thông tin chỉ đăng trên trang này, mọi người bỏ theo dõi trang cũ",
    "Trang cũ của Đoàn thanh niên xã bị khóa nên mình lập trang mới, các bạn kết bạn lại và inbox để nhận giấy chứng nhận",
    ("Nhóm zalo chính thức của Ban quản lý chợ {xa}, các hộ kinh doanh vào nhóm để nhận thông báo đóng phí, nhóm cũ không còn dùng", SI),
])
fam("chairman_personal", SI, [
    "Chủ tịch UBND xã {xa} đây, chú dùng zalo mới số {phone}, cháu chuyển giúp chú {money} để chú trả tiền hàng, mai chú gửi lại",
    "Tôi là Bí thư Đảng ủy xã, đây là số cá nhân của tôi, các hộ cần xin giấy xác nhận thì liên hệ trực tiếp, lệ phí {money}",
    "Anh {short} Phó chủ tịch xã nhờ em nhắn: ai muốn được ưu tiên hồ sơ đất thì gửi {money} qua stk {stk} của anh",
    "Trưởng công an xã {xa} thông báo nhận hồ sơ qua gmail congan.{short}.xa@gmail.com, nộp kèm lệ phí chuyển khoản",
])
fam("official_title_request", I, [
    ("Văn phòng UBND xã gửi tới bà con: cập nhật thông tin hộ khẩu qua tin nhắn riêng cho trang này, gửi kèm ảnh CCCD và sổ đỏ", SI),
    "Ban chỉ huy quân sự xã thông báo danh sách thanh niên khám tuyển, ai muốn được miễn thì inbox trang để được hướng dẫn",
    "Hội Phụ nữ xã tuyển chọn hội viên nhận vốn vay ưu đãi, để lại số điện thoại và số CCCD dưới bình luận, admin sẽ liên hệ",
    ("Phòng cảnh sát giao thông thông báo phạt nguội, tra cứu và nộp phạt qua trang này, inbox biển số xe để được kiểm tra", SI),
])
fam("gov_lookalike", SI, [
    "Bộ Công an hướng dẫn đồng bộ căn cước với VNeID tại {govlink}, hạn chót cuối tháng",
    "Tra cứu và nhận tiền hoàn thuế thu nhập cá nhân tại cổng thuế điện tử {govlink}",
    "Cổng dịch vụ công quốc gia: nộp hồ sơ trợ cấp trực tuyến qua {govlink}, nhập mật khẩu VNeID để xác thực",
])

# -- leaks and personal data -------------------------------------------------------------------
fam("secret_doc", L, [
    "Nóng: văn bản số 125-CV/ĐU của Đảng ủy xã về nhân sự khóa tới, độ mật: Mật, ai cần bản đầy đủ ib",
    "Rò rỉ Kế hoạch số 45-KH/HU, đóng dấu MẬT, về việc sắp xếp cán bộ, mọi người xem ảnh bên dưới",
    "Ảnh chụp công văn (Mật) của UBND huyện về phương án đền bù chưa công bố, chia sẻ cho bà con biết",
    "Thông báo số 88-TB/TU - Lưu hành nội bộ, không phổ biến - đây là nội dung kết luận của Thường trực tỉnh ủy",
    "Tài liệu nội bộ của Ban Tổ chức: dự kiến danh sách quy hoạch cán bộ, chụp từ máy của người quen, không biết có đúng không",
    "Tờ trình số 12-TTr/BTG và Báo cáo 07-BC/UBKT đã được đóng dấu tối mật, mình đăng lên để mọi người đọc",
    "Độ mật: Tuyệt mật. Quyết định số 301-QĐ/ĐU về kỷ luật, ai tò mò thì xem ảnh",
])
fam("personal_list", P, [
    "Danh sách các hộ nợ tiền điện {thon}: {name} - CCCD {cccd} - SĐT {phone}; {name} - CCCD {cccd} - SĐT {phone}",
    "Công khai list con nợ: {name} {phone} {cccd}, {name} {phone} {cccd}, ai biết ở đâu báo mình",
    "Danh sách người nhận hỗ trợ kèm số tài khoản: {name} stk {stk} {bank}; {name} stk {stk} {bank}; {name} stk {stk} {bank}",
    "{name} {cccd} {phone}\n{name} {cccd} {phone}\n{name} {cccd} {phone}",
    "Đây là thông tin của đứa lừa tiền mình: tên {name}, CCCD {cccd}, sđt {phone}, nhà ở {thon}, mọi người share mạnh",
    "Bảng kê tiêm chủng: STT 1 {name} ngày sinh 12/3/1960 CCCD {cccd}; STT 2 {name} ngày sinh 5/7/1975 CCCD {cccd}",
])

# -- threats ------------------------------------------------------------------------------------
fam("threat_violence", T, [
    "Thằng {short} kia mày liệu hồn, tối nay tao cho người xuống đánh gãy chân mày",
    "Còn đăng bài nói xấu nữa thì tao giết cả nhà mày, nhớ đấy",
    "Mày chờ đấy, tao biết nhà mày ở {thon}, tao sẽ tạt axit vào mặt con vợ mày",
    "Đứa nào báo công an thì tao đốt nhà đứa đó, cả xóm biết tay tao",
    "thue giang ho xu dep thang chu tich xa, ai co so lien he ib",
    "Không trả tiền thì cẩn thận con mày đi học về, tao không nói lần hai",
    "Ủy ban mà không giải quyết thì tao mang xăng lên đốt trụ sở, tao nói là làm",
    "Tao sẽ chém chết thằng trưởng thôn nếu nó còn đo đất nhà tao",
    "Tao đặt bom ở trường tiểu học {xa} sáng mai, tụi bây cứ đợi xem",
])

# -- hard negatives: warnings, news, real ads, complaints, everyday numbers and words -----------
fam("police_warning", N, [
    "Công an xã {xa} cảnh báo: thời gian gần đây xuất hiện đối tượng giả danh công an gọi điện báo người dân liên quan đường dây rửa tiền, yêu cầu chuyển tiền để xác minh. Công an không bao giờ làm việc qua điện thoại",
    "CẢNH GIÁC thủ đoạn lừa đảo mới: kẻ gian gọi điện xưng là nhân viên điện lực, báo nợ tiền điện rồi gửi link cài app. Bà con tuyệt đối không bấm vào đường link lạ",
    "Khuyến cáo của Công an tỉnh: không cung cấp mã OTP, mật khẩu cho bất kỳ ai, kể cả người xưng là cán bộ ngân hàng",
    "Thủ đoạn 'việc nhẹ lương cao', làm nhiệm vụ nạp tiền hưởng hoa hồng đã khiến nhiều người mất trắng, mọi người nhắc nhau đừng tham gia",
    "Lưu ý: cơ quan BHXH không yêu cầu người dân cài ứng dụng qua đường link hay tải file .apk, VssID chỉ tải trên kho ứng dụng chính thức",
    "Cảnh báo: các đối tượng mạo danh bệnh viện gọi báo người nhà đang cấp cứu, yêu cầu chuyển tiền gấp. Hãy gọi lại cho người thân để kiểm tra trước",
    "Bà con lưu ý chiêu lừa giao hàng COD: shipper lạ gọi báo có đơn hàng, yêu cầu chuyển phí trước. Chỉ nhận hàng khi đã đặt và kiểm tra",
    "Công an phường đề nghị người dân cảnh giác với các trang cho vay online không cần thế chấp, đòi đóng phí trước khi giải ngân",
    "Không có chương trình trúng thưởng nào bắt nộp phí nhận quà, nếu nhận tin nhắn như vậy hãy báo ngay cho công an xã qua số {phone}",
    "Mình vừa suýt bị lừa: có người gọi tự xưng viện kiểm sát bảo chuyển tiền vào tài khoản tạm giữ. Mọi người cẩn thận nhé, đừng chuyển đồng nào",
    "Ngân hàng {bank} khuyến cáo khách hàng không truy cập các đường link lạ giả mạo ngân hàng, không cung cấp thông tin đăng nhập",
    "Tuyên truyền phòng chống lừa đảo qua mạng: 24 hình thức lừa đảo phổ biến gồm giả danh cơ quan nhà nước, tuyển cộng tác viên, đầu tư tiền ảo...",
    "Cháu nhà tôi bị lừa mất 50 triệu vì tin lời đối tượng giả danh công an, mong mọi người đừng như cháu, gặp cuộc gọi như vậy thì cúp máy",
    "VNeID chỉ tải trên App Store và CH Play, công an xã không gửi link, không yêu cầu định danh qua zalo, bà con cảnh giác",
])
fam("arrest_news", N, [
    "Công an tỉnh triệt phá đường dây lừa đảo tuyển cộng tác viên online, bắt giữ 12 đối tượng chiếm đoạt hơn 20 tỷ đồng",
    "Khởi tố đối tượng giả danh cán bộ thuế lừa đảo chiếm đoạt tài sản của nhiều hộ kinh doanh",
    "Bắt nhóm đối tượng mạo danh nhân viên ngân hàng, gửi tin nhắn brandname giả để chiếm đoạt tài khoản",
    "Tòa án tuyên phạt 15 năm tù đối với bị cáo đâm chết người sau va chạm giao thông",
    "Nghi phạm phóng hỏa đốt nhà hàng xóm đã bị bắt sau 2 ngày lẩn trốn",
    "Xét xử vụ án đe dọa giết người, bị cáo nhắn tin dọa giết chủ nợ nhận 2 năm tù",
    "Đã bắt được đối tượng bán thông tin cá nhân của hàng chục nghìn người dân qua mạng",
])
fam("real_jobs", N, [
    "Xưởng may {xa} tuyển 20 công nhân may, lương 7-9 triệu, có bảo hiểm, làm giờ hành chính, liên hệ chị {short} {phone}",
    "Quán cơm cần tuyển 1 bạn phụ bếp, lương 200k/ngày, bao ăn trưa, làm tại {thon}",
    "Trường mầm non tuyển giáo viên, yêu cầu bằng cao đẳng sư phạm, nộp hồ sơ tại văn phòng trường trước ngày {day}/{month}",
    "Trung tâm dịch vụ việc làm tỉnh tổ chức phiên giao dịch việc làm ngày {day}/{month}, hơn 40 doanh nghiệp tham gia tuyển dụng",
    "Cần thợ xây phụ hồ làm công trình ở {thon}, 350k/ngày, trả lương cuối tuần, gọi anh {short}",
])
fam("official_relief", N, [
    "Ủy ban MTTQ xã {xa} tiếp nhận ủng hộ đồng bào bị lũ qua tài khoản của Ủy ban MTTQ tại Agribank, sẽ công khai sao kê hàng tuần",
    "Hội Chữ thập đỏ xã kêu gọi hiến máu tình nguyện ngày {day}/{month} tại nhà văn hóa {thon}",
    "Danh sách ủng hộ quỹ khuyến học thôn: ông {name} 500.000đ, bà {name} 300.000đ, cảm ơn các gia đình",
    "Xã đã chi trả tiền hỗ trợ cho các hộ bị thiệt hại do bão, bà con mang CCCD đến nhận trực tiếp tại bộ phận một cửa",
    "Quỹ Vì người nghèo xã công khai số tiền nhận được trong tháng: {money}, chi cho 12 hộ",
])
fam("sellers", N, [
    "Nhà em có gà ta thả vườn, 130k/kg, ai lấy ib hoặc gọi {phone}, giao tận nhà trong xã",
    "Bán mật ong rừng nguyên chất, 300k/lít, nhà lấy ở {thon}, ck hoặc trả tiền mặt đều được",
    "Rau sạch nhà trồng, đặt trước 1 ngày, sđt {phone}, ship miễn phí quanh chợ",
    "Cần bán xe máy Wave cũ, giấy tờ đầy đủ, giá 8tr có thương lượng, liên hệ {phone}",
    "Gạo mới vụ mùa 18k/kg, ai cần liên hệ chú {short}, chuyển khoản qua stk {stk} {bank} hoặc trả khi nhận hàng",
    "Shop em nhận đặt bánh sinh nhật, bánh chưng, giò chả ngày Tết, inbox để đặt nhé mn",
])
fam("complaints", N, [
    "Đường vào {thon} hỏng cả năm nay, mưa xuống là lầy lội, đề nghị xã sớm sửa chữa, dân khổ quá",
    "Giá điện tháng này tăng vô lý, nhà tôi dùng như mọi tháng mà hóa đơn gấp đôi, điện lực giải thích đi",
    "Tiền đền bù giải phóng mặt bằng quá thấp so với giá thị trường, bà con không đồng ý, mong cấp trên xem xét",
    "Cán bộ một cửa làm việc chậm, hẹn đi hẹn lại ba lần vẫn chưa xong giấy tờ, thật sự bức xúc",
    "Chủ tịch xã hứa làm đèn đường từ năm ngoái đến giờ vẫn chưa thấy, hứa suông mãi",
    "Rác thải ở bãi chợ không ai thu gom, bốc mùi cả tuần, đề nghị xã có biện pháp",
    "Trạm y tế xã thiếu thuốc, người già đi khám phải mua ngoài, mong ngành y tế quan tâm",
    "Học phí, các khoản thu đầu năm ở trường quá nhiều, phụ huynh nghèo không kham nổi",
    "Tôi phản đối việc thu tiền đóng góp xây nhà văn hóa bắt buộc, phải công khai minh bạch",
])
fam("numbers_notices", N, [
    "Kết quả giải bóng đá thiếu niên: {thon} thắng 3-1, trận chung kết lúc {hour}h ngày {day}/{month} tại sân UBND xã",
    "Lịch tiêm chủng mở rộng tháng {month}: trẻ sinh từ 01/2025 đến 06/2025 tiêm tại trạm y tế ngày {day}, mang sổ tiêm",
    "Trường THCS {xa} thông báo lịch thi học kỳ: Toán 7h30 ngày {day}/{month}, Văn 9h30, phòng thi số 1-12",
    "Điểm chuẩn vào lớp 10 năm nay: 32,5 điểm, học sinh xem danh sách trúng tuyển tại bảng tin nhà trường",
    "Lịch cắt điện {thon} từ {hour}h đến 16h ngày {day}/{month} để bảo dưỡng đường dây",
    "Giá lúa hôm nay 7.800đ/kg, ngô 6.200đ/kg, sắn 2.900đ/kg, bà con tham khảo",
    "Đường dây nóng của xã: Chủ tịch UBND {phone}, Trưởng Công an xã {phone}, Trạm y tế {phone}, bà con cần thì gọi",
    "Thôn đề nghị các hộ đăng ký số điện thoại với trưởng thôn để nhận tin nhắn thông báo lịch họp và cảnh báo thiên tai",
])
fam("everyday_words", N, [
    "Mật ong nhà nuôi năm nay được mùa, ai muốn mua thì nói với mình",
    "Quên mật khẩu wifi nhà, ai chỉ cách đổi mật khẩu modem Viettel với",
    "Bí mật của món canh ngon là nêm chút mắm tôm, mẹ dạy đấy",
    "Cho nó ăn xong rồi cho nó đi ngủ sớm, mai còn đi học",
    "Con chó nhà tôi đi lạc từ chiều qua, ai thấy báo giúp, xin cảm ơn",
    "Ông bà nói đánh chết cái nết không chừa, mà thằng cu nhà tôi nghịch thật",
    "Trận này Việt Nam đá hay quá, giết chết thế trận đối phương luôn",
    "Hôm qua đốt rơm ngoài đồng khói quá, mong mọi người hạn chế",
    "Nhà mình lấy hàng Shopee mấy năm nay rồi, giao nhanh mà rẻ",
    "Mình vừa cài VNeID mức 2 ở công an xã, cán bộ hướng dẫn nhiệt tình lắm",
    "Nhắc nhau đóng tiền điện tháng này qua app ngân hàng cho nhanh, khỏi ra bưu điện",
    "Chiều nay đi chợ thấy giá thịt lợn lại tăng, 140k/kg rồi các mẹ ạ",
])
fam("official_real", N, [
    "UBND xã {xa} thông báo lịch tiếp công dân tháng {month}: sáng thứ Năm hằng tuần tại trụ sở UBND xã",
    "Công an xã {xa} hướng dẫn bà con làm định danh điện tử mức 2 trực tiếp tại trụ sở, mang theo CCCD gắn chip, không mất phí",
    "Bộ phận một cửa xã tiếp nhận hồ sơ cấp đổi sổ đỏ vào giờ hành chính, hồ sơ trực tuyến nộp qua Cổng dịch vụ công quốc gia",
    "Hội nghị tuyên truyền bảo vệ bí mật nhà nước cho cán bộ, đảng viên xã sẽ tổ chức ngày {day}/{month}",
    "Chi bộ {thon} sinh hoạt thường kỳ tháng {month} vào {hour}h tối thứ Sáu tại nhà văn hóa",
    "Tập huấn kỹ năng bảo vệ dữ liệu cá nhân trên mạng xã hội cho đoàn viên thanh niên, mời các bạn tham gia",
    "Xã tổ chức diễn tập phòng cháy chữa cháy, tình huống giả định cháy nhà dân tại {thon}",
])

# Appended later (so the posts above stay as they were): more hard negatives.
fam("official_links", N, [
    "Bà con tra cứu hóa đơn tiền điện và thanh toán trên trang cskh.evn.com.vn hoặc ứng dụng EVNCSKH chính thức",
    "Hồ sơ cấp đổi giấy phép lái xe nộp trực tuyến tại https://dichvucong.gov.vn, không cần đến trụ sở",
    "Ngân hàng {bank} thông báo lịch bảo trì hệ thống từ 23h đến 2h sáng, khách hàng vui lòng giao dịch trước hoặc sau thời gian trên",
    "Các hộ kinh doanh kê khai thuế qua thuedientu.gdt.gov.vn, cán bộ thuế xã hướng dẫn tại nhà văn hóa ngày {day}/{month}",
    "Kích hoạt tài khoản định danh điện tử trên ứng dụng VNeID tải từ kho ứng dụng, chi tiết tại vneid.gov.vn",
    "Shopee đang có đợt giảm giá 12/12, các mẹ săn đồ trên app shopee.vn nhé, mình vừa mua được nồi cơm rẻ",
])
fam("party_notices", N, [
    "Thực hiện Kế hoạch số 45-KH/HU của Huyện ủy, Đảng ủy xã {xa} tổ chức hội nghị học tập nghị quyết vào ngày {day}/{month}",
    "Triển khai Chỉ thị 05-CT/TW về học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh tại chi bộ {thon}",
    "Theo Thông báo số 88-TB/ĐU, lịch sinh hoạt chi bộ tháng {month} chuyển sang tối thứ Bảy",
    "Đảng ủy xã trao Huy hiệu 50 năm tuổi Đảng cho các đồng chí đảng viên lão thành theo Quyết định số 301-QĐ/HU",
])
fam("bank_loans_real", N, [
    "Hội Nông dân xã hướng dẫn hội viên làm hồ sơ vay vốn Ngân hàng Chính sách xã hội, lãi suất ưu đãi, nộp hồ sơ tại UBND xã",
    "Tổ tiết kiệm và vay vốn {thon} họp bình xét hộ vay vốn hộ nghèo, mời các hộ có tên đến đúng giờ",
    "Quỹ tín dụng nhân dân xã thông báo lãi suất tiền gửi tháng {month}, bà con đến trụ sở quỹ để được tư vấn",
])

# ---- the second test split --------------------------------------------------------------------
# Written after the first test split's errors had been read (that split is kept as
# dev/retired-test.jsonl). Every template here goes to test/; no rule was changed after its
# figures were first read.
F2 = []
def fam2(name, labels, templates):
    F2.append((name, labels, False, templates))

fam2("t2_police_call", SI, [
    "Alo, cô {short} đúng không? Đây là phòng cảnh sát hình sự, cô đang bị điều tra vì dính đến đường dây lừa đảo, cô phải chuyển hết tiền tiết kiệm sang tài khoản {stk} để kiểm tra nguồn gốc, xong sẽ trả lại",
    "Điều tra viên Viện kiểm sát thông báo: hồ sơ của anh đã chuyển sang truy tố, muốn được xem xét thì nộp tiền bảo lãnh {money} trong hôm nay qua {wallet} số {phone}",
    "Cán bộ công an phường đây, em cần anh cài ứng dụng Dịch vụ công bản mới qua đường dẫn {govlink} để cập nhật cư trú, không làm sẽ bị phạt",
])
fam2("t2_utility", S, [
    "EVN CSKH: khách hàng mã PE0{num} còn nợ {money}, điện sẽ bị ngắt lúc 16h, thanh toán gấp qua {link} để tránh gián đoạn",
    "Thông báo của nhà mạng: sim của quý khách sẽ bị khóa 2 chiều do chưa chuẩn hóa thông tin, bấm vào {link} để cập nhật ngay",
    "Nhân viên nước sạch đây ạ, đồng hồ nước nhà mình bị ghi sai, chị chuyển khoản phí điều chỉnh {money} vào số tài khoản {stk} để em sửa",
])
fam2("t2_jobs", S, [
    "Việc làm thêm cho học sinh sinh viên: xem video nhận tiền, mỗi video 5k, rút về ngân hàng ngay, cần nạp 100k kích hoạt tài khoản, ib e {phone}",
    "Tuyển 15 bạn làm cộng tác viên sàn TMĐT, xử lý đơn hàng online, hoàn vốn + 20% hoa hồng sau mỗi đơn, đơn đầu tiên chỉ {money}",
    "Cơ hội việc làm tại nhà cho mẹ bỉm sữa: dán tem, đóng gói sản phẩm, nhận nguyên liệu về nhà, đặt cọc nguyên liệu {money}",
])
fam2("t2_loan_prize", S, [
    "App vay Tiền Nhanh 24h: hạn mức 50 triệu, không cần gặp, chỉ cần ảnh CCCD, phí xét duyệt {money} chuyển trước là có tiền về tài khoản",
    "🎉 Tri ân 10 năm thành lập, {shop} tặng 1000 phần quà trị giá 2 triệu, nhận ngay tại {link} chỉ cần thanh toán phí giao hàng 30k",
    "Số điện thoại của bạn may mắn trúng chiếc xe Vision trong chương trình của nhà mạng, gọi {phone} để làm thủ tục nhận xe, phí hồ sơ {money}",
])
fam2("t2_relative_parcel", S, [
    "Bố ơi con {short} đây, con bị công an giữ xe vì không có bằng, bố chuyển cho con {money} nộp phạt gấp vào số tài khoản {stk} của anh công an này nhé",
    "Chào chị, em bên chuyển phát nhanh, kiện hàng từ Hàn Quốc của chị phải đóng thuế nhập khẩu {money}, chị chuyển khoản để em giao trong chiều nay",
    "Em là y tá trường mầm non, bé nhà anh bị sốt co giật đã đưa đi viện, anh chuyển trước {money} tạm ứng viện phí vào số {stk} nhé",
])
fam2("t2_invest_charity_recovery", S, [
    "Nhóm kín đầu tư chứng khoán theo tín hiệu của chuyên gia, 3 tháng lãi gấp đôi, phí tham gia {money}, link vào nhóm {link}",
    "Xin cộng đồng mạng giúp đỡ gia đình em {name} ở {thon} bị tai nạn liệt giường, mọi đóng góp xin gửi về số tài khoản cá nhân {stk} {bank}",
    "Dịch vụ hỗ trợ lấy lại tiền bị lừa đảo qua mạng, có luật sư và cán bộ công an hỗ trợ, cam kết lấy lại 90%, phí dịch vụ trả trước",
])
fam2("t2_brand_links", S, [
    "[{bank}] Quy khach co giao dich nhan tien 5.000.000d dang cho xac nhan, vui long dang nhap {link} de nhan",
    "{wallet} thông báo: tài khoản của bạn được hoàn 300.000đ, nhận tại {link} trong 24h",
])
fam2("t2_impersonation", I, [
    "Trang Tuổi trẻ Công an xã {xa} mới lập, trang cũ không dùng nữa, mọi phản ánh của bà con xin gửi tin nhắn về trang này",
    "Mình là cán bộ văn phòng UBND xã, ai cần làm giấy tờ nhanh không phải xếp hàng thì kết bạn zalo {phone} của mình",
    "Văn phòng Đảng ủy xã {xa} nhận hồ sơ kết nạp Đảng qua email riêng vanphongdanguy.{short}@gmail.com, ai quan tâm gửi hồ sơ qua đây",
])
fam2("t2_impersonation_money", SI, [
    "Trưởng Công an xã nhắn: các hộ chưa đăng ký tạm trú cho người thuê trọ thì chuyển khoản lệ phí 200k cho tôi qua số {stk}, tôi làm hộ",
    "Đây là số Zalo mới của Chủ tịch xã {xa}, số cũ bị mất, ai có việc cần gấp thì nhắn, tôi đang cần mượn tạm {money} trả tiền hàng",
])
fam2("t2_leaks", L, [
    "Lộ nội dung cuộc họp Ban Thường vụ Huyện ủy về phương án sáp nhập, mình có bản gốc, ai cần thì nhắn",
    "Kết luận số 2{num}-KL/UBKT về kiểm tra dấu hiệu vi phạm, tài liệu mật, gửi mọi người xem trước khi công bố",
    "Bản chụp công văn đóng dấu MẬT của Đảng ủy xã về nhân sự đây, đừng hỏi nguồn",
])
fam2("t2_personal", P, [
    "Công khai danh sách các hộ chưa đóng tiền điện: {name} {phone}, {name} {phone}, {name} {phone}, {name} {phone}",
    "Truy tìm con nợ {name}, CCCD {cccd}, sinh năm 1990, quê {thon}, sđt {phone}, ai thấy báo mình",
    "Danh sách bệnh nhân tiêm phòng dại: {name} ngày sinh 03/04/1985 SĐT {phone} địa chỉ {thon}; {name} ngày sinh 11/09/1992 SĐT {phone} địa chỉ {thon}",
])
fam2("t2_threats", T, [
    "Mày còn bén mảng đến đây lần nữa thì tao đánh què chân, nói cho mà biết",
    "Thằng chủ quán kia, tối nay anh em tao xuống đập nát quán mày",
    "Đứa nào tố cáo tao thì chuẩn bị quan tài đi, tao không đùa",
])
fam2("t2_warnings", N, [
    "Công an xã {xa} thông tin: gần đây có người gọi điện giả làm cán bộ điện lực, báo nợ tiền điện và đòi chuyển khoản, bà con tuyệt đối không làm theo",
    "Chuyên gia khuyên: khi nhận cuộc gọi người nhà cấp cứu, hãy bình tĩnh gọi lại bệnh viện, đừng vội chuyển tiền",
    "Ngân hàng {bank} lưu ý khách hàng: ngân hàng không gửi đường link yêu cầu cập nhật sinh trắc học qua tin nhắn",
    "Mẹ mình vừa bị lừa mất 20 triệu vì chiêu làm nhiệm vụ online, giờ mình mới biết nó tinh vi thế nào",
    "Tòa án tuyên án nhóm lừa đảo giả danh công an chiếm đoạt 5 tỷ đồng của người dân",
])
fam2("t2_everyday", N, [
    "Nhà em có mít Thái chín cây, 25k/kg, ship trong xã, ai lấy gọi {phone}",
    "Cần tuyển 2 thợ phụ điện nước, lương ngày 300k, làm ở {thon}, liên hệ anh {short}",
    "Hội Cựu chiến binh xã thăm và tặng quà các gia đình chính sách nhân dịp Tết",
    "Đề nghị xã kiểm tra lại việc cấp đất tái định cư, nhiều hộ phản ánh bị thiệt thòi",
    "Giải bóng chuyền hơi nữ thôn {thon}: đội nhà thắng 2-0, chung kết tối thứ Bảy lúc {hour}h",
    "Mật ong bạc hà Hà Giang chính hiệu, ai cần đặt inbox em nhé",
    "Đừng cho nó ăn nhiều đồ ngọt, răng sâu hết bây giờ",
    "Nghe nói giá xăng lại tăng, chạy xe đi làm tốn quá mọi người ạ",
    "Xã thông báo kế hoạch tiêm vắc xin sởi cho trẻ từ 1 đến 5 tuổi, phụ huynh mang sổ tiêm chủng đến trạm y tế",
    "Ủy ban MTTQ xã phát động ủng hộ quỹ Vì người nghèo, tiền ủng hộ nộp về ban công tác mặt trận thôn",
    "Bà con ai có nhu cầu làm căn cước cho trẻ em thì mang giấy khai sinh lên công an xã, không mất phí",
    "Chúc mừng đám cưới anh {short} và chị Hoa, chúc hai bạn trăm năm hạnh phúc",
])

def write(rows, path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    pos = sum(1 for x in rows if x["expected"])
    print(f"{os.path.relpath(path, HERE)}: {len(rows)} posts, {pos} flagged, {len(rows) - pos} hard negatives")

def generate(r, families, seen, split_of):
    out = {}
    for name, labels, _hard, templates in families:
        per = 8 if labels else 9
        for ti, t in enumerate(templates):
            t, row_labels = t if isinstance(t, tuple) else (t, labels)
            split = split_of(ti)
            made, tries = 0, 0
            while made < per and tries < per * 5:
                tries += 1
                text = voice(r, fill(r, t), "pos" if labels else "neg")
                if text in seen:
                    continue
                seen.add(text)
                row = {"text": text, "expected": row_labels, "family": name, "template": ti}
                if not labels:
                    row["hard"] = True
                out.setdefault(split, []).append(row)
                made += 1
    return out

def main():
    r = random.Random(SEED)
    seen = set()
    first = generate(r, F, seen, lambda ti: "test" if ti % 3 == 2 else "dev")
    write(first["dev"], os.path.join(HERE, "dev", "posts.jsonl"))
    write(first["test"], os.path.join(HERE, "dev", "retired-test.jsonl"))
    second = generate(random.Random(SEED + 1), F2, seen, lambda ti: "test")
    write(second["test"], os.path.join(HERE, "test", "posts.jsonl"))

if __name__ == "__main__":
    main()
