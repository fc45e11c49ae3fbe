<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>BooleanEditor</name>
    <message>
        <source>Yes</source>
        <translation>是</translation>
    </message>
</context>
<context>
    <name>CameraView</name>
    <message>
        <source>Camera picture</source>
        <translation>摄像画面</translation>
    </message>
    <message>
        <source>No camera picture yet</source>
        <translation>尚无摄像画面</translation>
    </message>
    <message>
        <source>SIMULATED CAMERA</source>
        <translation>模拟摄像头</translation>
    </message>
</context>
<context>
    <name>CaseDialog</name>
    <message>
        <source>New case</source>
        <translation>新建案件</translation>
    </message>
    <message>
        <source>Case &amp;number *</source>
        <translation>案号(&amp;N) *</translation>
    </message>
    <message>
        <source>&amp;Title *</source>
        <translation>案件名称(&amp;T) *</translation>
    </message>
    <message>
        <source>&amp;Agency *</source>
        <translation>办案单位(&amp;A) *</translation>
    </message>
    <message>
        <source>C&amp;ause</source>
        <translation>案由(&amp;U)</translation>
    </message>
    <message>
        <source>Create case</source>
        <translation>创建案件</translation>
    </message>
    <message>
        <source>Required</source>
        <translation>必填</translation>
    </message>
    <message>
        <source>Opening the case…</source>
        <translation>正在创建案件……</translation>
    </message>
</context>
<context>
    <name>CasePanel</name>
    <message>
        <source>&amp;Cases</source>
        <translation>案件(&amp;C)</translation>
    </message>
    <message>
        <source>New case…</source>
        <translation>新建案件……</translation>
    </message>
    <message>
        <source>Cases</source>
        <translation>案件</translation>
    </message>
</context>
<context>
    <name>CertifyDialog</name>
    <message>
        <source>Sign as prosecutor</source>
        <translation>检察官签名</translation>
    </message>
    <message>
        <source>{0} certifies the record with the officer key. After this nothing in the record can change without showing; the signatories sign next.</source>
        <translation>{0}使用检察官密钥对笔录进行认证签名。此后笔录的任何改动都会被发现；随后由各签名人签名。</translation>
    </message>
    <message>
        <source>Token &amp;PIN:</source>
        <translation>令牌 PIN(&amp;P)：</translation>
    </message>
    <message>
        <source>Officer key &amp;passphrase:</source>
        <translation>检察官密钥口令(&amp;P)：</translation>
    </message>
    <message>
        <source>&amp;Sign</source>
        <translation>签名(&amp;S)</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Type the PIN first.</source>
        <translation>请先输入 PIN。</translation>
    </message>
    <message>
        <source>Type the passphrase first.</source>
        <translation>请先输入口令。</translation>
    </message>
</context>
<context>
    <name>ChoiceEditor</name>
    <message>
        <source>— choose —</source>
        <translation>— 请选择 —</translation>
    </message>
</context>
<context>
    <name>DateEditor</name>
    <message>
        <source>YYYY-MM-DD HH:MM</source>
        <translation>年-月-日 时:分（YYYY-MM-DD HH:MM）</translation>
    </message>
    <message>
        <source>YYYY-MM-DD</source>
        <translation>年-月-日（YYYY-MM-DD）</translation>
    </message>
    <message>
        <source>Pick from a calendar (Alt+Down)</source>
        <translation>从日历中选择（Alt+↓）</translation>
    </message>
</context>
<context>
    <name>DraftDialog</name>
    <message>
        <source>Draft: {0}</source>
        <translation>起草：{0}</translation>
    </message>
    <message>
        <source>{0} — case {1}, printed in {2}</source>
        <translation>{0} — 案号 {1}，文书语言：{2}</translation>
    </message>
    <message>
        <source>Fields (* required)</source>
        <translation>填写内容（* 为必填）</translation>
    </message>
    <message>
        <source>Signatories, in signing order</source>
        <translation>签名人（按签名顺序）</translation>
    </message>
    <message>
        <source>&amp;Preview</source>
        <translation>预览(&amp;P)</translation>
    </message>
    <message>
        <source>Check the fields and show the PDF (Ctrl+P)</source>
        <translation>检查填写内容并显示 PDF（Ctrl+P）</translation>
    </message>
    <message>
        <source>&amp;Save draft</source>
        <translation>保存草稿(&amp;S)</translation>
    </message>
    <message>
        <source>Save the record as a draft (Ctrl+S)</source>
        <translation>将笔录保存为草稿（Ctrl+S）</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Press Preview to see the record as it will be printed.</source>
        <translation>按“预览”查看文书打印后的样子。</translation>
    </message>
    <message>
        <source>Rendering the preview…</source>
        <translation>正在生成预览……</translation>
    </message>
    <message>
        <source>Preview — not saved</source>
        <translation>预览 — 尚未保存</translation>
    </message>
    <message numerus="yes">
        <source>Preview of %n page(s). The record number and time are set when the draft is saved.</source>
        <translation>
            <numerusform>预览共 %n 页。文书编号和时间在保存草稿时确定。</numerusform>
        </translation>
    </message>
    <message>
        <source>Saving the draft…</source>
        <translation>正在保存草稿……</translation>
    </message>
    <message numerus="yes">
        <source>%n field(s) need attention; nothing was saved.</source>
        <translation>
            <numerusform>有 %n 个字段需要修改；未保存任何内容。</numerusform>
        </translation>
    </message>
    <message>
        <source>The signatories need attention; nothing was saved.
{0}</source>
        <translation>签名人需要调整；未保存任何内容。
{0}</translation>
    </message>
</context>
<context>
    <name>ErrorReporter</name>
    <message>
        <source>the console</source>
        <translation>控制台</translation>
    </message>
    <message>
        <source>Something went wrong that Inkseal did not expect:
{0}

The details are in {1}.</source>
        <translation>Inkseal 遇到了意外错误：
{0}

详细信息见 {1}。</translation>
    </message>
    <message>
        <source>Unexpected error</source>
        <translation>意外错误</translation>
    </message>
    <message>
        <source>The operation could not be completed</source>
        <translation>操作未能完成</translation>
    </message>
    <message>
        <source>{0}

(reason: {1})</source>
        <translation>{0}

（原因代码：{1}）</translation>
    </message>
</context>
<context>
    <name>FaultBand</name>
    <message>
        <source>Try again</source>
        <translation>重试</translation>
    </message>
</context>
<context>
    <name>FingerprintMeter</name>
    <message>
        <source>Fingerprint quality</source>
        <translation>指纹质量</translation>
    </message>
    <message>
        <source>Place your finger on the fingerprint reader.</source>
        <translation>请将手指放在指纹仪上。</translation>
    </message>
    <message>
        <source>Quality: good</source>
        <translation>质量：良好</translation>
    </message>
    <message>
        <source>Quality: usable</source>
        <translation>质量：可用</translation>
    </message>
    <message>
        <source>Quality: poor — press again</source>
        <translation>质量：差——请重新按压</translation>
    </message>
    <message>
        <source>No finger on the reader</source>
        <translation>指纹仪上没有手指</translation>
    </message>
    <message>
        <source>{0} (score {1})</source>
        <translation>{0}（评分 {1}）</translation>
    </message>
</context>
<context>
    <name>FingerprintScreen</name>
    <message>
        <source>Press your finger on the fingerprint reader</source>
        <translation>请将手指按在指纹仪上</translation>
    </message>
    <message>
        <source>I refuse to sign…</source>
        <translation>我拒绝签名…</translation>
    </message>
    <message>
        <source>Press again</source>
        <translation>重新按压</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>继续</translation>
    </message>
</context>
<context>
    <name>Identity</name>
    <message>
        <source>18 characters are needed: 17 digits, then a digit or X</source>
        <translation>应为18位：前17位为数字，末位为数字或X</translation>
    </message>
    <message>
        <source>The first two digits are not a province code</source>
        <translation>前两位不是有效的省级行政区划代码</translation>
    </message>
    <message>
        <source>Digits 7 to 14 are not a plausible birth date</source>
        <translation>第7至14位不是合理的出生日期</translation>
    </message>
    <message>
        <source>The check digit is wrong: the number is mistyped</source>
        <translation>校验码错误：号码有误</translation>
    </message>
    <message>
        <source>Not a valid resident identity number</source>
        <translation>不是有效的居民身份证号码</translation>
    </message>
</context>
<context>
    <name>Kiosk</name>
    <message>
        <source>Not connected</source>
        <translation>未连接</translation>
    </message>
    <message>
        <source>The terminal could not start: {0}</source>
        <translation>终端无法启动：{0}</translation>
    </message>
    <message>
        <source>Starting: opening the site&apos;s keys, finding the devices…</source>
        <translation>正在启动：打开本单位密钥，查找设备…</translation>
    </message>
</context>
<context>
    <name>LineEditor</name>
    <message>
        <source>18 characters, the last may be X</source>
        <translation>18位，末位可为X</translation>
    </message>
    <message>
        <source>yuan</source>
        <translation>元</translation>
    </message>
</context>
<context>
    <name>LivePanel</name>
    <message>
        <source>Record pushed: {0} ({1} pages)</source>
        <translation>笔录已推送：{0}（共 {1} 页）</translation>
    </message>
    <message>
        <source>Turn of {0} at {1}</source>
        <translation>轮到{0}在 {1} 签名</translation>
    </message>
    <message>
        <source>Now signing: {0} — at {1}</source>
        <translation>正在签名：{0} —— 在 {1}</translation>
    </message>
    <message>
        <source>Nobody is signing right now.</source>
        <translation>当前无人签名。</translation>
    </message>
    <message>
        <source>{0}: {1}{2}</source>
        <translation>{0}：{1}{2}</translation>
    </message>
    <message>
        <source> (simulated)</source>
        <translation>（模拟）</translation>
    </message>
    <message>
        <source>Pads: {0}</source>
        <translation>签名板：{0}</translation>
    </message>
    <message>
        <source>Pads: none opened yet</source>
        <translation>签名板：尚未打开</translation>
    </message>
    <message>
        <source>Link: the stations run in this process (no network link).</source>
        <translation>链路：各签名设备在本程序内运行（无网络链路）。</translation>
    </message>
    <message>
        <source>Page on screen: {0} of {1}</source>
        <translation>当前显示：第 {0} 页，共 {1} 页</translation>
    </message>
    <message>
        <source>Page on screen: none</source>
        <translation>当前显示：无</translation>
    </message>
    <message>
        <source>Live ink</source>
        <translation>实时笔迹</translation>
    </message>
    <message>
        <source>What happened</source>
        <translation>过程记录</translation>
    </message>
    <message>
        <source>{0}: page {1} was on screen for {2:.1f} s</source>
        <translation>{0}：第 {1} 页显示了 {2:.1f} 秒</translation>
    </message>
    <message>
        <source>{0}: the pad was cleared; attempt {1} begins ({2} samples kept in the log)</source>
        <translation>{0}：签名板已清除，开始第 {1} 次签名（{2} 个采样点保留在日志中）</translation>
    </message>
    <message>
        <source>{0}: the pad was cleared; attempt {1} begins</source>
        <translation>{0}：签名板已清除，开始第 {1} 次签名</translation>
    </message>
    <message>
        <source>{0}: the pad was cleared ({1})</source>
        <translation>{0}：签名板已清除（{1}）</translation>
    </message>
    <message>
        <source>{0}: pad: {1}</source>
        <translation>{0}：签名板：{1}</translation>
    </message>
    <message>
        <source>{0}: fingerprint pressed, quality {1} ({2})</source>
        <translation>{0}：已按指纹，质量 {1}（{2}）</translation>
    </message>
    <message>
        <source>{0}: photo taken ({1}×{2})</source>
        <translation>{0}：已拍照（{1}×{2}）</translation>
    </message>
    <message>
        <source>{0}: FAULT: {1}</source>
        <translation>{0}：故障：{1}</translation>
    </message>
    <message>
        <source>{0}: the record is on screen</source>
        <translation>{0}：笔录已显示</translation>
    </message>
    <message>
        <source>signed</source>
        <translation>已签名</translation>
    </message>
    <message>
        <source>refused</source>
        <translation>拒签</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>{0}: the turn ended ({1})</source>
        <translation>{0}：本次签名结束（{1}）</translation>
    </message>
    <message>
        <source>Link: {0}</source>
        <translation>链路：{0}</translation>
    </message>
</context>
<context>
    <name>LivePlace</name>
    <message>
        <source>The live view of a signing (ink, camera, signing order) appears here once a terminal is linked to this workstation.</source>
        <translation>终端与本工作站连接后，这里将实时显示签名过程（笔迹、摄像画面、签名顺序）。</translation>
    </message>
    <message>
        <source>Live signing</source>
        <translation>实时签名</translation>
    </message>
</context>
<context>
    <name>LocalPadDialog</name>
    <message>
        <source>Signing at this workstation&apos;s pad</source>
        <translation>在本工作站签名板上签名</translation>
    </message>
</context>
<context>
    <name>OptionsDialog</name>
    <message>
        <source>Verification options</source>
        <translation>验证选项</translation>
    </message>
    <message>
        <source>Trust roots</source>
        <translation>信任根</translation>
    </message>
    <message>
        <source>Only the roots you give here are trusted. Without them the package&apos;s own roots are used and the result is marked untrusted.</source>
        <translation>只信任在此指定的根证书。未指定时使用证据包自带的根证书，结果标记为未建立信任。</translation>
    </message>
    <message>
        <source>&amp;Add root…</source>
        <translation>添加根证书(&amp;A)…</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>移除(&amp;R)</translation>
    </message>
    <message>
        <source>Archive key</source>
        <translation>档案密钥</translation>
    </message>
    <message>
        <source>With the archive key, the encrypted evidence (pen tracks, fingerprints, photos) is decrypted and compared, and each signature can be replayed.</source>
        <translation>提供档案密钥后，加密的证据（笔迹、指纹、照片）将被解密并比对，每个签名都可以回放。</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>浏览(&amp;B)…</translation>
    </message>
    <message>
        <source>No archive key</source>
        <translation>未提供档案密钥</translation>
    </message>
    <message>
        <source>&amp;Passphrase of the archive key:</source>
        <translation>档案密钥口令(&amp;P)：</translation>
    </message>
    <message>
        <source>Trust root certificates</source>
        <translation>信任根证书</translation>
    </message>
    <message>
        <source>PEM certificates (*.pem *.crt);;All files (*)</source>
        <translation>PEM 证书 (*.pem *.crt);;所有文件 (*)</translation>
    </message>
    <message>
        <source>PEM keys (*.pem *.key);;All files (*)</source>
        <translation>PEM 密钥 (*.pem *.key);;所有文件 (*)</translation>
    </message>
</context>
<context>
    <name>PdfPreview</name>
    <message>
        <source>Pages</source>
        <translation>页面</translation>
    </message>
    <message>
        <source>Document</source>
        <translation>文书</translation>
    </message>
    <message>
        <source>No record is open.</source>
        <translation>未打开任何笔录。</translation>
    </message>
    <message numerus="yes">
        <source>%n page(s)</source>
        <translation>
            <numerusform>共 %n 页</numerusform>
        </translation>
    </message>
    <message>
        <source>This PDF cannot be shown ({0}).</source>
        <translation>无法显示此 PDF（{0}）。</translation>
    </message>
</context>
<context>
    <name>PersonDialog</name>
    <message>
        <source>Add a person to case {0}</source>
        <translation>为案件 {0} 添加人员</translation>
    </message>
    <message>
        <source>&amp;Name *</source>
        <translation>姓名(&amp;N) *</translation>
    </message>
    <message>
        <source>&amp;Role *</source>
        <translation>身份(&amp;R) *</translation>
    </message>
    <message>
        <source>&amp;Identity number</source>
        <translation>公民身份号码(&amp;I)</translation>
    </message>
    <message>
        <source>&amp;Date of birth</source>
        <translation>出生日期(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Minor</source>
        <translation>未成年人(&amp;M)</translation>
    </message>
    <message>
        <source>A&amp;ssists</source>
        <translation>协助对象(&amp;S)</translation>
    </message>
    <message>
        <source>From the date of birth</source>
        <translation>按出生日期判断</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>No</source>
        <translation>否</translation>
    </message>
    <message>
        <source>— nobody —</source>
        <translation>— 无 —</translation>
    </message>
    <message>
        <source>{0} ({1})</source>
        <translation>{0}（{1}）</translation>
    </message>
    <message>
        <source>18 characters, the last may be X</source>
        <translation>18位，末位可为X</translation>
    </message>
    <message>
        <source>YYYY-MM-DD (taken from the identity number when empty)</source>
        <translation>年-月-日（留空则取自身份证号码）</translation>
    </message>
    <message>
        <source>Add person</source>
        <translation>添加人员</translation>
    </message>
    <message>
        <source>Required</source>
        <translation>必填</translation>
    </message>
    <message>
        <source>Write the date as YYYY-MM-DD</source>
        <translation>日期请写作 年-月-日（YYYY-MM-DD）</translation>
    </message>
    <message>
        <source>Adding the person…</source>
        <translation>正在添加人员……</translation>
    </message>
</context>
<context>
    <name>PersonPanel</name>
    <message>
        <source>&amp;Persons of the case</source>
        <translation>案件人员(&amp;P)</translation>
    </message>
    <message>
        <source>Add person…</source>
        <translation>添加人员……</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>身份</translation>
    </message>
    <message>
        <source>Identity number</source>
        <translation>公民身份号码</translation>
    </message>
    <message>
        <source>Assists</source>
        <translation>协助对象</translation>
    </message>
    <message>
        <source>Persons of the case</source>
        <translation>案件人员</translation>
    </message>
    <message>
        <source>{0} (minor)</source>
        <translation>{0}（未成年）</translation>
    </message>
</context>
<context>
    <name>PhotoScreen</name>
    <message>
        <source>Look at the camera for your photo</source>
        <translation>请看向摄像头拍照</translation>
    </message>
    <message>
        <source>I refuse to sign…</source>
        <translation>我拒绝签名…</translation>
    </message>
    <message>
        <source>Take the photo</source>
        <translation>拍照</translation>
    </message>
    <message>
        <source>Confirm and sign</source>
        <translation>确认并签署</translation>
    </message>
</context>
<context>
    <name>PushDialog</name>
    <message>
        <source>Push to a terminal</source>
        <translation>推送到终端</translation>
    </message>
    <message>
        <source>Push “{0}” to a terminal. Whoever signs there reads it page by page; those who sign here use this workstation&apos;s pad.</source>
        <translation>将“{0}”推送到终端。在终端签名的人逐页阅看后签名；在此签名的人使用本工作站的签名板。</translation>
    </message>
    <message>
        <source>&amp;Terminal:</source>
        <translation>终端(&amp;T)：</translation>
    </message>
    <message>
        <source>&amp;Site passphrase:</source>
        <translation>站点口令(&amp;S)：</translation>
    </message>
    <message>
        <source>unlocks this workstation&apos;s keys</source>
        <translation>用于解锁本工作站的密钥</translation>
    </message>
    <message>
        <source>&amp;Push</source>
        <translation>推送(&amp;P)</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>The site passphrase is needed to sign at this workstation.</source>
        <translation>在本工作站签名需要站点口令。</translation>
    </message>
</context>
<context>
    <name>QaListEditor</name>
    <message>
        <source>Add a question</source>
        <translation>添加一问</translation>
    </message>
</context>
<context>
    <name>QaPair</name>
    <message>
        <source>Question {0}</source>
        <translation>问 {0}</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>答</translation>
    </message>
    <message>
        <source>Remove question {0}</source>
        <translation>删除第 {0} 问</translation>
    </message>
</context>
<context>
    <name>ReadingScreen</name>
    <message>
        <source>◀ Previous page</source>
        <translation>◀ 上一页</translation>
    </message>
    <message>
        <source>Next page ▶</source>
        <translation>下一页 ▶</translation>
    </message>
    <message>
        <source>I refuse to sign…</source>
        <translation>我拒绝签名…</translation>
    </message>
    <message>
        <source>I have read every page: sign</source>
        <translation>我已阅看全部页面：签名</translation>
    </message>
    <message>
        <source>Record page</source>
        <translation>笔录页面</translation>
    </message>
    <message>
        <source>Page {0} of {1} · read {2} of {1}</source>
        <translation>第 {0} 页，共 {1} 页 · 已阅 {2}/{1} 页</translation>
    </message>
</context>
<context>
    <name>RecordLanguage</name>
    <message>
        <source>Chinese</source>
        <translation>中文</translation>
    </message>
    <message>
        <source>English</source>
        <translation>英文</translation>
    </message>
    <message>
        <source>Chinese and English</source>
        <translation>中英文对照</translation>
    </message>
</context>
<context>
    <name>RecordPanel</name>
    <message>
        <source>&amp;Records of the case</source>
        <translation>案件笔录(&amp;R)</translation>
    </message>
    <message>
        <source>New record…</source>
        <translation>新建笔录……</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>笔录</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Revision</source>
        <translation>修订版</translation>
    </message>
    <message>
        <source>Records of the case</source>
        <translation>案件笔录</translation>
    </message>
    <message>
        <source>Created {0}</source>
        <translation>创建于 {0}</translation>
    </message>
</context>
<context>
    <name>RecordState</name>
    <message>
        <source>Draft</source>
        <translation>草稿</translation>
    </message>
    <message>
        <source>Being signed</source>
        <translation>签名中</translation>
    </message>
    <message>
        <source>Ready to seal</source>
        <translation>待用印</translation>
    </message>
    <message>
        <source>Stopped (refused)</source>
        <translation>已中止（拒签）</translation>
    </message>
    <message>
        <source>Sealed</source>
        <translation>已用印</translation>
    </message>
</context>
<context>
    <name>RefusalDialog</name>
    <message>
        <source>I do not agree with what the record says</source>
        <translation>我不同意笔录所记载的内容</translation>
    </message>
    <message>
        <source>I cannot read the record</source>
        <translation>我无法阅读笔录</translation>
    </message>
    <message>
        <source>I want to consult a lawyer first</source>
        <translation>我想先咨询律师</translation>
    </message>
    <message>
        <source>Another reason (write it below)</source>
        <translation>其他理由（请在下方填写）</translation>
    </message>
    <message>
        <source>Refuse to sign</source>
        <translation>拒绝签名</translation>
    </message>
    <message>
        <source>{0} refuses to sign. Why? The reason is recorded exactly as written here.</source>
        <translation>{0}拒绝签名。理由是什么？理由将按此处所写原样记录。</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>理由</translation>
    </message>
    <message>
        <source>&amp;In your own words:</source>
        <translation>本人陈述(&amp;I)：</translation>
    </message>
    <message>
        <source>Record the refusal</source>
        <translation>记录拒绝签名</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>返回</translation>
    </message>
</context>
<context>
    <name>ReplayView</name>
    <message>
        <source>&amp;Station:</source>
        <translation>终端(&amp;S)：</translation>
    </message>
    <message>
        <source>Si&amp;gnature:</source>
        <translation>签名(&amp;G)：</translation>
    </message>
    <message>
        <source>Spee&amp;d:</source>
        <translation>速度(&amp;D)：</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <source>Play or pause the replay (Space)</source>
        <translation>播放或暂停回放（空格键）</translation>
    </message>
    <message>
        <source>Replay position</source>
        <translation>回放位置</translation>
    </message>
    <message>
        <source>Signature replay</source>
        <translation>签名回放</translation>
    </message>
    <message>
        <source>Ink and video are placed on the station&apos;s session clock, which its capture log, pen samples and recording share. Audio is not played back.</source>
        <translation>笔迹与视频按该终端的会话时钟对齐，采集日志、笔迹采样和录像共用此时钟。不播放声音。</translation>
    </message>
    <message>
        <source>Replay unavailable: the pen track is encrypted for the archive key. Give the archive key under Verification options to replay it.</source>
        <translation>无法回放：笔迹数据以档案密钥加密。请在“验证选项”中提供档案密钥后回放。</translation>
    </message>
    <message>
        <source>This field was not signed.</source>
        <translation>此签名栏未签名。</translation>
    </message>
    <message>
        <source>Replay unavailable: the evidence file is missing from the package.</source>
        <translation>无法回放：证据包中缺少该证据文件。</translation>
    </message>
    <message>
        <source>Replay unavailable: the evidence did not open or does not match its signature (see the report).</source>
        <translation>无法回放：证据无法打开或与签名不符（见验证报告）。</translation>
    </message>
    <message>
        <source>Replay unavailable: the decrypted pen track cannot be read.</source>
        <translation>无法回放：解密后的笔迹数据无法读取。</translation>
    </message>
    <message>
        <source>{0} — {1} at {2}</source>
        <translation>{0} — {1}，于 {2}</translation>
    </message>
    <message>
        <source>{0} — replay unavailable</source>
        <translation>{0} — 无法回放</translation>
    </message>
    <message>
        <source>The recording cannot be played: {0}</source>
        <translation>无法播放录像：{0}</translation>
    </message>
    <message>
        <source> · SIMULATED camera</source>
        <translation> · 模拟摄像头 SIMULATED</translation>
    </message>
    <message>
        <source> · its start time is unknown: not in sync</source>
        <translation> · 开始时间未知：未同步</translation>
    </message>
    <message>
        <source>Recording {0}{1}{2}</source>
        <translation>录像 {0}{1}{2}</translation>
    </message>
    <message>
        <source>{0} ({1}): {2} samples, {3} strokes, {4:.2f} s on the session clock</source>
        <translation>{0}（{1}）：{2} 个采样点，{3} 笔，会话时钟 {4:.2f} 秒</translation>
    </message>
    <message>
        <source>; {0:.2f} s on the pad&apos;s own clock (a simulated pad replays a recorded signature at its own pace)</source>
        <translation>；签名板自身时钟 {0:.2f} 秒（模拟签名板以自己的速度重放录制的签名）</translation>
    </message>
    <message>
        <source>; the pen track inside the signature has no session times, so it is not placed on a recording</source>
        <translation>；签名内的笔迹数据没有会话时间，因此不与录像对齐</translation>
    </message>
    <message>
        <source>No signature to replay.</source>
        <translation>没有可回放的签名。</translation>
    </message>
    <message>
        <source>{0} of {1}</source>
        <translation>{0} / {1}</translation>
    </message>
</context>
<context>
    <name>ReportView</name>
    <message>
        <source>{0} — {1} passed, {2} failed, {3} warnings, {4} not checked</source>
        <translation>{0} — 通过 {1}，失败 {2}，注意 {3}，未检查 {4}</translation>
    </message>
    <message>
        <source>Verdict</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>检查</translation>
    </message>
    <message>
        <source>Of</source>
        <translation>对象</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>说明</translation>
    </message>
    <message>
        <source>Checks</source>
        <translation>检查项</translation>
    </message>
    <message>
        <source>Details of the selected check</source>
        <translation>所选检查项的详情</translation>
    </message>
    <message>
        <source>Open an evidence package or a sealed PDF to verify it (File ▸ Open, or drop it on this window).</source>
        <translation>打开证据包或已封存的 PDF 进行验证（文件 ▸ 打开，或拖放到此窗口）。</translation>
    </message>
    <message>
        <source>Subject: {0}</source>
        <translation>对象：{0}</translation>
    </message>
    <message>
        <source>Trust roots given by you: the result is trusted as far as they are.</source>
        <translation>信任根由您指定：结果的可信程度以这些根证书为准。</translation>
    </message>
    <message>
        <source>No trust roots were given: the package&apos;s own roots were used, so nothing here is trusted. Add the site&apos;s root under Verification options.</source>
        <translation>未指定信任根：使用了证据包自带的根证书，因此结果不构成信任。请在“验证选项”中添加本单位的根证书。</translation>
    </message>
    <message>
        <source>Archive key given: evidence decrypted and compared.</source>
        <translation>已提供档案密钥：证据已解密并比对。</translation>
    </message>
    <message>
        <source>No archive key: biometric evidence and pen-track replay are not available.</source>
        <translation>未提供档案密钥：无法比对生物特征证据，也无法回放笔迹。</translation>
    </message>
    <message>
        <source>SIMULATED devices were used: {0}</source>
        <translation>使用了模拟设备 SIMULATED：{0}</translation>
    </message>
    <message>
        <source>Reason: {0} ({1})</source>
        <translation>原因：{0}（{1}）</translation>
    </message>
    <message>
        <source>Message: {0}</source>
        <translation>说明：{0}</translation>
    </message>
    <message>
        <source>Details:</source>
        <translation>详情：</translation>
    </message>
</context>
<context>
    <name>SignatoryPanel</name>
    <message>
        <source>Order</source>
        <translation>顺序</translation>
    </message>
    <message>
        <source>Signatory</source>
        <translation>签名人</translation>
    </message>
    <message>
        <source>Signs</source>
        <translation>签名</translation>
    </message>
    <message>
        <source>Person of the case</source>
        <translation>案件人员</translation>
    </message>
    <message>
        <source>Signs at</source>
        <translation>签名地点</translation>
    </message>
    <message>
        <source>{0} (optional)</source>
        <translation>{0}（可选）</translation>
    </message>
    <message>
        <source>{0} signs</source>
        <translation>{0}签名</translation>
    </message>
    <message>
        <source>Automatic (by role and name)</source>
        <translation>自动（按身份和姓名）</translation>
    </message>
    <message>
        <source>{0} ({1})</source>
        <translation>{0}（{1}）</translation>
    </message>
    <message>
        <source>Always signs this record</source>
        <translation>本文书必须由其签名</translation>
    </message>
    <message>
        <source>Signs because of what the record says ({0})</source>
        <translation>根据文书内容需要其签名（{0}）</translation>
    </message>
    <message>
        <source>Tick to have this signatory sign as well</source>
        <translation>勾选后此人也须签名</translation>
    </message>
</context>
<context>
    <name>SigningController</name>
    <message>
        <source>&amp;Sign as prosecutor…</source>
        <translation>检察官签名(&amp;S)…</translation>
    </message>
    <message>
        <source>S&amp;eal and file</source>
        <translation>封存并归档(&amp;E)</translation>
    </message>
    <message>
        <source>Verification &amp;report</source>
        <translation>验证报告(&amp;R)</translation>
    </message>
    <message>
        <source>Stopped: {0}</source>
        <translation>已停止：{0}</translation>
    </message>
    <message>
        <source>Pushing the record…</source>
        <translation>正在推送笔录…</translation>
    </message>
    <message>
        <source>Everyone has signed or refused: the record can be sealed.</source>
        <translation>所有人均已签名或拒绝签名：笔录可以封存。</translation>
    </message>
    <message>
        <source>Certified by the prosecutor.</source>
        <translation>检察官已认证签名。</translation>
    </message>
    <message>
        <source>Signing as prosecutor…</source>
        <translation>正在进行检察官签名…</translation>
    </message>
    <message>
        <source>{0}: signed</source>
        <translation>{0}：已签名</translation>
    </message>
    <message>
        <source>{0}: refused — {1}</source>
        <translation>{0}：拒绝签名——{1}</translation>
    </message>
    <message>
        <source>Sealing the record…</source>
        <translation>正在封存笔录…</translation>
    </message>
    <message>
        <source>Writing the evidence package…</source>
        <translation>正在写入证据包…</translation>
    </message>
    <message>
        <source>Verifying the package…</source>
        <translation>正在验证证据包…</translation>
    </message>
    <message>
        <source>Sealed and filed: {0}</source>
        <translation>已封存并归档：{0}</translation>
    </message>
    <message>
        <source>Verification report</source>
        <translation>验证报告</translation>
    </message>
    <message>
        <source>No evidence package of this record is filed here ({0}).</source>
        <translation>本机未归档该笔录的证据包（{0}）。</translation>
    </message>
</context>
<context>
    <name>SigningScreen</name>
    <message>
        <source>Clear and sign again</source>
        <translation>清除并重新签名</translation>
    </message>
    <message>
        <source>I refuse to sign…</source>
        <translation>我拒绝签名…</translation>
    </message>
    <message>
        <source>Confirm my signature</source>
        <translation>确认我的签名</translation>
    </message>
    <message>
        <source>Signature</source>
        <translation>签名</translation>
    </message>
    <message>
        <source>Opening the signature pad…</source>
        <translation>正在打开签名板…</translation>
    </message>
    <message>
        <source>Input: the mouse (simulated mode, no pressure) — recorded as such</source>
        <translation>输入：鼠标（模拟模式，无压力）——已如实记录</translation>
    </message>
    <message>
        <source>Input: pen on this screen ({0})</source>
        <translation>输入：在本屏幕上用笔书写（{0}）</translation>
    </message>
    <message>
        <source>Input: signature pad {0} — SIMULATED</source>
        <translation>输入：签名板 {0} ——模拟设备</translation>
    </message>
    <message>
        <source>Input: signature pad {0}</source>
        <translation>输入：签名板 {0}</translation>
    </message>
    <message>
        <source> · the prompt is on the pad&apos;s screen</source>
        <translation> · 提示显示在签名板屏幕上</translation>
    </message>
</context>
<context>
    <name>Station</name>
    <message>
        <source>This workstation</source>
        <translation>本工作站</translation>
    </message>
    <message>
        <source>Terminal</source>
        <translation>终端</translation>
    </message>
</context>
<context>
    <name>TemplateDialog</name>
    <message>
        <source>New record</source>
        <translation>新建笔录</translation>
    </message>
    <message>
        <source>&amp;Template</source>
        <translation>文书模板(&amp;T)</translation>
    </message>
    <message>
        <source>Record &amp;language</source>
        <translation>文书语言(&amp;L)</translation>
    </message>
    <message>
        <source>Draft…</source>
        <translation>起草……</translation>
    </message>
</context>
<context>
    <name>TerminalOption</name>
    <message>
        <source>Terminal in this process (its window opens here)</source>
        <extracomment>The recorded STU pen log the simulated pad replays (shipped with the product).</extracomment>
        <translation>本程序内的终端（在本机打开其窗口）</translation>
    </message>
    <message>
        <source>Terminal in this process, over the TLS link</source>
        <translation>本程序内的终端（经 TLS 链路）</translation>
    </message>
    <message>
        <source>Terminal connecting to {0} (TLS link)</source>
        <translation>连接到 {0} 的终端（TLS 链路）</translation>
    </message>
</context>
<context>
    <name>TerminalWindow</name>
    <message>
        <source>Inkseal — Terminal {0}</source>
        <translation>Inkseal — 终端 {0}</translation>
    </message>
    <message>
        <source>Signing terminal {0}</source>
        <translation>签名终端 {0}</translation>
    </message>
    <message>
        <source>&amp;Write with:</source>
        <translation>书写方式(&amp;W)：</translation>
    </message>
    <message>
        <source>the signature pad</source>
        <translation>签名板</translation>
    </message>
    <message>
        <source>a pen on this screen</source>
        <translation>在本屏幕上用笔书写</translation>
    </message>
    <message>
        <source>the mouse (simulated)</source>
        <translation>鼠标（模拟）</translation>
    </message>
    <message>
        <source>Input for the signature</source>
        <translation>签名输入方式</translation>
    </message>
    <message>
        <source>Switch language</source>
        <translation>切换语言</translation>
    </message>
    <message>
        <source>Simulated devices: nothing captured here is from real hardware, and every record says so.</source>
        <translation>模拟设备：此处采集的内容均非来自真实硬件，所有记录均如实注明。</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>等待中</translation>
    </message>
    <message>
        <source>Reading</source>
        <translation>阅看</translation>
    </message>
    <message>
        <source>Signing</source>
        <translation>签名</translation>
    </message>
    <message>
        <source>Fingerprint</source>
        <translation>指纹</translation>
    </message>
    <message>
        <source>Photo</source>
        <translation>拍照</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
</context>
<context>
    <name>TimelineView</name>
    <message>
        <source>Page shown</source>
        <translation>页面显示</translation>
    </message>
    <message>
        <source>Stroke</source>
        <translation>笔画</translation>
    </message>
    <message>
        <source>Cleared</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>Fingerprint</source>
        <translation>指纹</translation>
    </message>
    <message>
        <source>Photo</source>
        <translation>照片</translation>
    </message>
    <message>
        <source>Hand-over</source>
        <translation>签名交接</translation>
    </message>
    <message>
        <source>Recording</source>
        <translation>录像</translation>
    </message>
    <message>
        <source>Recording gap</source>
        <translation>录像中断</translation>
    </message>
    <message>
        <source>Seal</source>
        <translation>电子印章</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>笔录</translation>
    </message>
    <message>
        <source>Pad</source>
        <translation>签名板</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>日志</translation>
    </message>
    <message>
        <source>verified</source>
        <translation>已验证</translation>
    </message>
    <message>
        <source>FAULT</source>
        <translation>有错误</translation>
    </message>
    <message>
        <source>not covered by the seal</source>
        <translation>未被电子印章覆盖</translation>
    </message>
    <message>
        <source>not verified</source>
        <translation>未验证</translation>
    </message>
    <message>
        <source>S&amp;tation:</source>
        <translation>终端(&amp;T)：</translation>
    </message>
    <message>
        <source>Only entries that did not verify</source>
        <translation>只显示未通过验证的记录</translation>
    </message>
    <message>
        <source>All stations</source>
        <translation>全部终端</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Station</source>
        <translation>终端</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>事件</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>签名栏</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Capture-log events</source>
        <translation>采集日志事件</translation>
    </message>
    <message>
        <source>Selected log entry</source>
        <translation>所选日志记录</translation>
    </message>
    <message>
        <source>{0} {1} ({2} ms)</source>
        <translation>{0} 第 {1} 页（{2} 毫秒）</translation>
    </message>
    <message>
        <source>{0}: {1} samples</source>
        <translation>{0}：{1} 个采样点</translation>
    </message>
    <message>
        <source>{0} at {1}, line {2} of its log</source>
        <translation>{0}，{1}，日志第 {2} 行</translation>
    </message>
    <message>
        <source>Time: {0} (session clock {1} µs)</source>
        <translation>时间：{0}（会话时钟 {1} 微秒）</translation>
    </message>
    <message>
        <source>Verification: {0}</source>
        <translation>验证：{0}</translation>
    </message>
</context>
<context>
    <name>TurnPanel</name>
    <message>
        <source>{0}: please read the record, page by page. Signing opens once you have seen every page.</source>
        <extracomment>Which input writes the next signature: None for the station&apos;s pad.</extracomment>
        <translation>{0}：请逐页阅看笔录。阅看全部页面后方可签名。</translation>
    </message>
    <message>
        <source>{0}: please sign in the box</source>
        <translation>{0}：请在框内签名</translation>
    </message>
    <message>
        <source>Please wait</source>
        <translation>请稍候</translation>
    </message>
    <message>
        <source>The record appears here when the prosecutor sends it.</source>
        <translation>检察官发送笔录后，笔录将显示在这里。</translation>
    </message>
    <message>
        <source>Record received</source>
        <translation>已收到笔录</translation>
    </message>
    <message>
        <source>{0} pages. Waiting for the next signatory&apos;s turn.</source>
        <translation>共 {0} 页。等待下一位签名人。</translation>
    </message>
    <message>
        <source>This record cannot be shown on this screen.</source>
        <translation>本屏幕无法显示该笔录。</translation>
    </message>
    <message>
        <source>Photo taken ({0}×{1}).</source>
        <translation>已拍照（{0}×{1}）。</translation>
    </message>
    <message>
        <source>Signing…</source>
        <translation>正在签署…</translation>
    </message>
    <message>
        <source>Thank you</source>
        <translation>谢谢</translation>
    </message>
    <message>
        <source>Your signature was recorded.</source>
        <translation>您的签名已记录。</translation>
    </message>
    <message>
        <source>Refusal recorded</source>
        <translation>已记录拒绝签名</translation>
    </message>
    <message>
        <source>Your refusal and its reason were recorded.</source>
        <translation>您拒绝签名及其理由已记录。</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>The prosecutor called this turn off; nothing was signed.</source>
        <translation>检察官取消了本次签名，未签署任何内容。</translation>
    </message>
    <message>
        <source>The signature pad stopped answering ({0}). Check its cable; capture resumes when it is back.</source>
        <translation>签名板无响应（{0}）。请检查连接线；签名板恢复后将继续采集。</translation>
    </message>
    <message>
        <source>The capture log failed: {0}. This turn cannot be signed.</source>
        <translation>采集日志写入失败：{0}。本次不能签名。</translation>
    </message>
</context>
<context>
    <name>VerifierWindow</name>
    <message>
        <source>Inkseal — Verifier {0}</source>
        <translation>Inkseal — 验证 {0}</translation>
    </message>
    <message>
        <source>&amp;Open package or PDF…</source>
        <translation>打开证据包或 PDF(&amp;O)…</translation>
    </message>
    <message>
        <source>Open package &amp;folder…</source>
        <translation>打开证据包文件夹(&amp;F)…</translation>
    </message>
    <message>
        <source>Verification &amp;options…</source>
        <translation>验证选项(&amp;O)…</translation>
    </message>
    <message>
        <source>&amp;Verify again</source>
        <translation>重新验证(&amp;V)</translation>
    </message>
    <message>
        <source>Export report as &amp;HTML…</source>
        <translation>导出 HTML 报告(&amp;H)…</translation>
    </message>
    <message>
        <source>Export report as &amp;PDF…</source>
        <translation>导出 PDF 报告(&amp;P)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Play or pause the replay</source>
        <translation>播放或暂停回放(&amp;P)</translation>
    </message>
    <message>
        <source>Switch &amp;language</source>
        <translation>切换语言(&amp;L)</translation>
    </message>
    <message>
        <source>Go to the report</source>
        <translation>转到验证报告</translation>
    </message>
    <message>
        <source>Go to the replay</source>
        <translation>转到回放</translation>
    </message>
    <message>
        <source>Go to the timeline</source>
        <translation>转到时间线</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>Report</source>
        <translation>验证报告</translation>
    </message>
    <message>
        <source>Replay and timeline</source>
        <translation>回放与时间线</translation>
    </message>
    <message numerus="yes">
        <source>%n trust root(s) given</source>
        <translation>
            <numerusform>已指定 %n 个信任根</numerusform>
        </translation>
    </message>
    <message>
        <source>no trust roots given (results untrusted)</source>
        <translation>未指定信任根（结果不构成信任）</translation>
    </message>
    <message>
        <source>archive key loaded</source>
        <translation>已载入档案密钥</translation>
    </message>
    <message>
        <source>no archive key (no biometric checks, no replay)</source>
        <translation>未提供档案密钥（不比对生物特征，不回放）</translation>
    </message>
    <message>
        <source>Open an evidence package or a sealed PDF</source>
        <translation>打开证据包或已封存的 PDF</translation>
    </message>
    <message>
        <source>Packages and PDFs (*.zip *.pdf);;All files (*)</source>
        <translation>证据包和 PDF (*.zip *.pdf);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Open a package folder</source>
        <translation>打开证据包文件夹</translation>
    </message>
    <message>
        <source>Verifying signatures, logs, recordings and files…</source>
        <translation>正在验证签名、日志、录像和文件…</translation>
    </message>
    <message>
        <source>Reading the capture logs…</source>
        <translation>正在读取采集日志…</translation>
    </message>
    <message>
        <source>Opening the evidence…</source>
        <translation>正在打开证据…</translation>
    </message>
    <message>
        <source>Finding the recordings…</source>
        <translation>正在查找录像…</translation>
    </message>
    <message>
        <source>Verifying {0}…</source>
        <translation>正在验证 {0}…</translation>
    </message>
    <message>
        <source>The verification could not run; see the message.</source>
        <translation>验证无法进行，请查看提示信息。</translation>
    </message>
    <message>
        <source>Verification cancelled.</source>
        <translation>验证已取消。</translation>
    </message>
    <message>
        <source>Opening the archive key…</source>
        <translation>正在打开档案密钥…</translation>
    </message>
    <message>
        <source>HTML pages (*.html)</source>
        <translation>HTML 网页 (*.html)</translation>
    </message>
    <message>
        <source>PDF documents (*.pdf)</source>
        <translation>PDF 文档 (*.pdf)</translation>
    </message>
    <message>
        <source>Export the report</source>
        <translation>导出验证报告</translation>
    </message>
    <message>
        <source>Inkseal verification report</source>
        <translation>Inkseal 验证报告</translation>
    </message>
    <message>
        <source>Report written to {0}</source>
        <translation>报告已写入 {0}</translation>
    </message>
    <message>
        <source>Writing {0}…</source>
        <translation>正在写入 {0}…</translation>
    </message>
</context>
<context>
    <name>VideoPane</name>
    <message>
        <source>No recording for this station.</source>
        <translation>此终端没有录像。</translation>
    </message>
    <message>
        <source>Recording</source>
        <translation>录像</translation>
    </message>
</context>
<context>
    <name>WorkstationWindow</name>
    <message>
        <source>Inkseal — Workstation {0}</source>
        <translation>Inkseal — 工作站 {0}</translation>
    </message>
    <message>
        <source>&amp;Signing</source>
        <translation>签名(&amp;S)</translation>
    </message>
    <message>
        <source>New &amp;case…</source>
        <translation>新建案件(&amp;C)……</translation>
    </message>
    <message>
        <source>Add &amp;person…</source>
        <translation>添加人员(&amp;P)……</translation>
    </message>
    <message>
        <source>New &amp;record…</source>
        <translation>新建笔录(&amp;R)……</translation>
    </message>
    <message>
        <source>&amp;Open record</source>
        <translation>打开笔录(&amp;O)</translation>
    </message>
    <message>
        <source>Push to &amp;terminal</source>
        <translation>推送到终端(&amp;T)</translation>
    </message>
    <message>
        <source>Re&amp;fresh</source>
        <translation>刷新(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>Switch &amp;language</source>
        <translation>切换语言(&amp;L)</translation>
    </message>
    <message>
        <source>Lar&amp;ge type</source>
        <translation>大字体(&amp;G)</translation>
    </message>
    <message>
        <source>&amp;About Inkseal</source>
        <translation>关于 Inkseal(&amp;A)</translation>
    </message>
    <message>
        <source>Push the open record to a terminal: the signatories read it there page by page and sign; the live view follows.</source>
        <translation>将当前笔录推送到终端：签名人在终端逐页阅看并签名；实时画面同步显示。</translation>
    </message>
    <message>
        <source>The terminal link is not configured on this workstation, so records cannot be pushed to a terminal yet.</source>
        <translation>本工作站尚未配置与终端的连接，暂时无法将笔录推送到终端。</translation>
    </message>
    <message>
        <source>Go to the cases</source>
        <translation>转到案件</translation>
    </message>
    <message>
        <source>Go to the persons</source>
        <translation>转到人员</translation>
    </message>
    <message>
        <source>Go to the records</source>
        <translation>转到笔录</translation>
    </message>
    <message>
        <source>Go to the document</source>
        <translation>转到文书</translation>
    </message>
    <message>
        <source>&amp;Workstation</source>
        <translation>工作站(&amp;W)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>Interface language</source>
        <translation>界面语言</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>Main actions</source>
        <translation>主要操作</translation>
    </message>
    <message>
        <source>Document</source>
        <translation>文书</translation>
    </message>
    <message>
        <source>Station: {0}</source>
        <translation>工作站：{0}</translation>
    </message>
    <message>
        <source>Database: {0}</source>
        <translation>数据库：{0}</translation>
    </message>
    <message>
        <source>Opening the database…</source>
        <translation>正在打开数据库……</translation>
    </message>
    <message>
        <source>The database could not be opened; see the message and the log.</source>
        <translation>无法打开数据库，请查看提示信息和日志。</translation>
    </message>
    <message>
        <source>Opening the record…</source>
        <translation>正在打开笔录……</translation>
    </message>
    <message>
        <source>{0} · {1} · revision {2}</source>
        <translation>{0} · {1} · 第 {2} 版</translation>
    </message>
    <message>
        <source>About Inkseal</source>
        <translation>关于 Inkseal</translation>
    </message>
    <message>
        <source>Inkseal {0}
Signature-pad signing of interrogation records, sealed as evidence.</source>
        <translation>Inkseal {0}
以签名板签署讯问笔录，并封存为证据。</translation>
    </message>
</context>
</TS>
