"""The one exception family readers raise: "this file cannot be read, and here is why".

The message is Chinese and says what a clerk can do about it; the flow turns it into a
record instead of stopping the run.
"""

from __future__ import annotations

from pipeline.model import Status


class UnreadableFile(Exception):
    def __init__(self, message: str, status: Status = Status.FAILED) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


ASK_RESEND = "请联系报送单位重新发送"

CORRUPT = f"文件已损坏，无法打开；{ASK_RESEND}"
EMPTY = f"文件为空（0字节），没有内容；{ASK_RESEND}"
ENCRYPTED = "文件设置了打开密码，无法读取；请联系报送单位发送未加密的版本"
TOO_LARGE = "文件大小为{size}，超过上限{limit}，未读取；请联系报送单位压缩图片后重新发送，或调高上限后重新运行"
NO_TEXT_LAYER = "PDF是扫描件或图片，没有可复制的文字，需要文字识别(OCR)后才能读取；可请报送单位提供Word版本"
NO_LIBREOFFICE = (
    "本机未安装LibreOffice，无法读取{fmt}旧格式文件；请安装LibreOffice（确保soffice命令可用）后重新运行，"
    "或请报送单位改发.docx或PDF版本"
)
CONVERT_FAILED = f"{{fmt}}旧格式文件转换失败，文件可能已损坏；{ASK_RESEND}，最好是.docx或PDF版本"
CONVERT_TIMEOUT = "{fmt}旧格式文件转换超时（超过{seconds}秒），未读取；请联系报送单位改发.docx或PDF版本"
HTML_FILE = "文件扩展名为{ext}，实际是网页(HTML)文件，不是Word或PDF文档；请联系报送单位发送原始文档"
TEXT_FILE = "文件扩展名为{ext}，实际是纯文本文件，不是Word或PDF文档；请联系报送单位发送原始文档"
OTHER_OFFICE = "文件是{kind}，不是活动方案或总结常用的Word或PDF文档，未读取；如需处理请人工查看"
UNKNOWN_FORMAT = "无法识别的文件格式（扩展名{ext}），未读取；请人工查看或请报送单位改发.docx或PDF版本"
UNSAFE_MEMBER = "压缩包内的文件路径不安全（含“..”或绝对路径），已跳过；请报送单位重新打包后发送"
ZIP_BOMB = "压缩包解压后过大（{size}），疑似异常压缩包，未解压；请报送单位直接发送文件或重新打包"
ZIP_ENCRYPTED = "压缩包内文件设置了密码，无法解压；请联系报送单位发送未加密的压缩包"
MAIL_TOO_LARGE = "邮件附件合计过大（{size}），未读取附件；请报送单位分开发送或压缩后发送"
MAIL_TOO_DEEP = "邮件内转发嵌套层数过多，未继续读取；请报送单位直接发送文件"
SHEET_TOO_LARGE = "表格过大（超过{cells}个有内容的单元格），未读取；请人工查看，或请报送单位只发送统计表本身"
OFD_TOO_LARGE = "OFD文件内部文件过多或解压后过大，疑似异常文件，未读取；请联系报送单位重新导出或改发PDF版本"
EMPTY_OFD = f"OFD文件没有任何文字或图片内容；{ASK_RESEND}"
PHOTO_PAGE = "这是“{first}”所示文件的第{page}页照片，已与其合并读取（见该文件的记录）"
ZIP_TOO_DEEP = "压缩包嵌套层数过多，未继续解压；请报送单位直接发送文件"
EMPTY_PDF = f"PDF没有任何文字或图片内容；{ASK_RESEND}"
PHOTO_SET_FAILED = (
    "这{pages}张照片是同一文件的各页，合并读取时出现意外错误（{error}）；请人工查看这些照片，并把它们转给技术人员排查"
)
PHOTO_UNDECODABLE = (
    "照片格式（{ext}）本机无法解码，未判断它是文件页面还是活动照片；如是文件的照片，请转为 JPG 后重新报送"
)
IMAGE_AS_DOCUMENT = (
    "文件扩展名为{ext}，实际是一张图片（可能是拍照件），需要人工查看或文字识别；可请报送单位提供Word或PDF版本"
)
READ_TIMEOUT = (
    "读取超过{seconds}秒仍未完成，已停止读取此文件（文件可能页数极多、过于复杂或已损坏）；"
    "请人工查看，必要时请报送单位精简或重新发送"
)
READ_MEMORY = "读取此文件所需内存超过上限（{mb} MB），已停止读取；请人工查看，必要时请报送单位压缩图片或拆分后重新发送"
READER_CRASHED = "读取此文件时读取程序意外退出（文件可能已损坏）；请人工查看此文件，并把它转给技术人员排查"
POOR_SCAN = "扫描件字迹不清，无法可靠识别；请联系报送单位提供可编辑版本"
NO_OCR_PACKAGE = (
    "PDF是扫描件，没有可复制的文字；本机未安装文字识别组件，无法识别。请运行 pip install rapidocr-onnxruntime"
    "（或重新执行 make run）后重新运行，或请报送单位提供Word版本"
)
